// /livez and /readyz as etcd 3.6 serves them (plain "ok", ?verbose lists the checks, ?exclude
// skips one, /readyz/NAME runs one, a CORRUPT alarm makes readyz fail with 503 and the list),
// /health kept as it was, and the --listen-metrics-urls listener serving only the monitoring
// endpoints on its own port.
using System.Net;
using FastKv.Api.Etcdserverpb;
using FastKv.Grpc.Client;
using FastKv.Server.Config;
using FastKv.Server.Tests.Support;

namespace FastKv.Server.Tests;

public sealed class HealthEndpointTests
{
    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(HttpClient http, string path, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, path);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Livez_and_readyz_answer_ok_list_their_checks_and_fail_on_a_corrupt_alarm()
    {
        using var dir = new TempDir();
        using var server = await MemberProcess.StartFastKvAsync(dir.Sub("data"));
        using var http = new HttpClient { BaseAddress = new Uri("http://" + server.Endpoint), Timeout = TimeSpan.FromSeconds(20) };

        Assert.Equal((HttpStatusCode.OK, "ok\n"), await GetAsync(http, "/livez"));
        Assert.Equal((HttpStatusCode.OK, "ok\n"), await GetAsync(http, "/readyz"));
        Assert.Equal((HttpStatusCode.OK, "[+]serializable_read ok\nok\n"), await GetAsync(http, "/livez?verbose"));
        Assert.Equal((HttpStatusCode.OK, "[+]data_corruption ok\n[+]serializable_read ok\n[+]linearizable_read ok\nok\n"), await GetAsync(http, "/readyz?verbose"));
        Assert.Equal((HttpStatusCode.OK, "[+]data_corruption ok\n[+]serializable_read ok\nok\n"), await GetAsync(http, "/readyz?verbose&exclude=linearizable_read"));
        Assert.Equal((HttpStatusCode.OK, "[+]linearizable_read ok\nok\n"), await GetAsync(http, "/readyz/linearizable_read?verbose"));
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(http, "/readyz/nothing")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(http, "/livez/linearizable_read")).Status);
        var post = await GetAsync(http, "/readyz", HttpMethod.Post);
        Assert.Equal((HttpStatusCode.MethodNotAllowed, "Method Not Allowed\n"), post);
        Assert.Equal((HttpStatusCode.OK, "{\"health\":\"true\",\"reason\":\"\"}"), await GetAsync(http, "/health"));

        // A CORRUPT alarm: not ready, but alive (it can still serve local reads).
        using (var client = new GrpcClient(new Uri("http://" + server.Endpoint)))
        {
            await client.UnaryAsync("/etcdserverpb.Maintenance/Alarm",
                new AlarmRequest { Action = AlarmRequest.Types.AlarmAction.Activate, Alarm = AlarmType.Corrupt, MemberID = 1 }, AlarmResponse.Parser);
        }
        var ready = await GetAsync(http, "/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Status);
        Assert.Equal("[-]data_corruption failed: alarm activated: CORRUPT\n[+]serializable_read ok\n[+]linearizable_read ok\n\n", ready.Body);
        Assert.Equal((HttpStatusCode.OK, "ok\n"), await GetAsync(http, "/readyz?exclude=data_corruption"));
        Assert.Equal((HttpStatusCode.OK, "ok\n"), await GetAsync(http, "/livez"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await GetAsync(http, "/health")).Status);

        var metrics = (await GetAsync(http, "/metrics")).Body;
        Assert.Contains("etcd_server_health_failures 1\n", metrics);
        Assert.Contains("etcd_server_health_success 1\n", metrics);
    }

    [Fact]
    public async Task The_metrics_listener_serves_monitoring_endpoints_on_its_own_port_only()
    {
        using var dir = new TempDir();
        var metricsPort = FreePort.Next();
        using var server = await MemberProcess.StartFastKvAsync(dir.Sub("data"), extra: ["--listen-metrics-urls", $"http://127.0.0.1:{metricsPort}"]);
        Assert.Contains("\"msg\":\"serving metrics\"", server.Log);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}"), Timeout = TimeSpan.FromSeconds(20) };

        var metrics = await GetAsync(http, "/metrics");
        Assert.Equal(HttpStatusCode.OK, metrics.Status);
        Assert.Contains("\netcd_server_has_leader 1\n", metrics.Body);
        Assert.Equal((HttpStatusCode.OK, "{\"health\":\"true\",\"reason\":\"\"}"), await GetAsync(http, "/health"));
        Assert.Equal((HttpStatusCode.OK, "ok\n"), await GetAsync(http, "/livez"));
        Assert.Equal((HttpStatusCode.OK, "ok\n"), await GetAsync(http, "/readyz"));
        // The client API stays on the client port.
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(http, "/version")).Status);
        Assert.Equal(0, (await Etcdctl.RunAsync(server.Endpoint, "put", "k", "v")).ExitCode);
    }

    [Fact]
    public async Task A_metrics_port_in_use_stops_start_up_with_an_error()
    {
        using var dir = new TempDir();
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var start = new System.Diagnostics.ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(TestPaths.ServerDll());
        foreach (var a in MemberProcess.CommonFlags(dir.Sub("data"), FreePort.Next(), FreePort.Next())) start.ArgumentList.Add(a);
        start.ArgumentList.Add("--listen-metrics-urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        using var process = System.Diagnostics.Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        var log = await stderr + await stdout;
        Assert.Equal(1, process.ExitCode);
        Assert.Contains("failed to start member", log);
        Assert.Contains("address already in use", log, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("ready to serve client requests", log);
    }

    [Theory]
    [InlineData("unix://metrics.sock", "URL scheme must be http or https")]
    [InlineData("not a url", "invalid value")]
    public void Metrics_urls_other_than_http_are_refused_with_a_clear_error(string url, string message)
    {
        var flags = FlagSet.Parse(["--listen-metrics-urls", url], new Dictionary<string, string>());
        Assert.Contains(message, Assert.Throws<FlagParseException>(() => ServerConfig.From(flags)).Message);
    }

    [Fact]
    public void Metrics_level_is_basic_or_extensive()
    {
        Assert.Equal("basic", ServerConfig.From(FlagSet.Parse([], new Dictionary<string, string>())).Metrics);
        Assert.Equal("extensive", ServerConfig.From(FlagSet.Parse(["--metrics", "extensive"], new Dictionary<string, string>())).Metrics);
        Assert.Contains("must be basic or extensive", Assert.Throws<FlagParseException>(() => ServerConfig.From(FlagSet.Parse(["--metrics", "full"], new Dictionary<string, string>()))).Message);
        Assert.Equal(["http://127.0.0.1:2381/"], ServerConfig.From(FlagSet.Parse(["--listen-metrics-urls", "http://127.0.0.1:2381"], new Dictionary<string, string>())).ListenMetricsUrls.Select(u => u.ToString()));
    }
}

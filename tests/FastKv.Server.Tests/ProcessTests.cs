// The fastkv executable as an operator meets it: --version and --help, refusing a bad command
// line with status 2, a clean stop on SIGTERM, and etcd's default IDs with no flags.
using System.Diagnostics;
using FastKv.Server.Tests.Support;

namespace FastKv.Server.Tests;

public sealed class ProcessTests
{
    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(TestPaths.ServerDll());
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await p.WaitForExitAsync(limit.Token);
        return (p.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task Version_names_fastkv_and_the_etcd_api_it_speaks()
    {
        var (code, stdout, _) = await RunAsync("--version");
        Assert.Equal(0, code);
        Assert.Matches(@"^FastKv Version: \d+\.\d+\.\d+\netcd API Version: 3\.4\.23\n", stdout);
    }

    [Fact]
    public async Task Help_lists_etcds_flags()
    {
        var (code, stdout, _) = await RunAsync("--help");
        Assert.Equal(0, code);
        foreach (var flag in new[] { "--name", "--data-dir", "--listen-client-urls", "--snapshot-count", "--quota-backend-bytes", "ETCD_DATA_DIR" })
            Assert.Contains(flag, stdout);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--snapshot-count=x")]
    public async Task A_bad_command_line_exits_2_with_the_reason(string arg)
    {
        var (code, _, stderr) = await RunAsync(arg);
        Assert.Equal(2, code);
        Assert.StartsWith("fastkv: ", stderr);
        Assert.Contains("See 'fastkv --help'.", stderr);
    }

    [Fact]
    public async Task Sigterm_stops_the_member_cleanly_and_it_restarts_on_its_data()
    {
        using var dir = new TempDir();
        var data = dir.Sub("data");
        using (var server = await MemberProcess.StartFastKvAsync(data))
        {
            Assert.Equal(0, (await Etcdctl.RunAsync(server.Endpoint, "put", "k", "v")).ExitCode);
            // The same port answers HTTP/1.1: /version and a linearizable /health.
            using var http = new HttpClient { BaseAddress = new Uri("http://" + server.Endpoint) };
            Assert.Equal("{\"etcdserver\":\"3.4.23\",\"etcdcluster\":\"3.4.0\"}", await http.GetStringAsync("/version"));
            Assert.Equal("{\"health\":\"true\",\"reason\":\"\"}", await http.GetStringAsync("/health"));
            Assert.Equal("{\"health\":\"true\",\"reason\":\"\"}", await http.GetStringAsync("/health?serializable=true"));
            Assert.Equal(0, server.Stop(TimeSpan.FromSeconds(20)));
            Assert.Contains("received signal; shutting down", server.Log);
        }
        using var again = await MemberProcess.StartFastKvAsync(data);
        var get = await Etcdctl.RunAsync(again.Endpoint, "get", "k", "--print-value-only");
        Assert.Equal("v\n", get.Stdout);
    }

    [Fact]
    public async Task The_reported_etcd_version_follows_etcd_version_everywhere_clients_gate_on_it()
    {
        using var dir = new TempDir();
        using var server = await MemberProcess.StartFastKvAsync(dir.Sub("data"), extra: ["--etcd-version", "3.5.9"]);
        using var http = new HttpClient { BaseAddress = new Uri("http://" + server.Endpoint) };
        Assert.Equal("{\"etcdserver\":\"3.5.9\",\"etcdcluster\":\"3.5.0\"}", await http.GetStringAsync("/version"));
        var status = await Etcdctl.RunAsync(server.Endpoint, "endpoint", "status", "-w", "json");
        Assert.Contains("\"version\":\"3.5.9\"", status.Stdout);
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("etcd_server_version{server_version=\"3.5.9\"} 1", metrics);
        Assert.Contains("etcd_cluster_version{cluster_version=\"3.5\"} 1", metrics);
        Assert.Contains("\"msg\":\"enabled capabilities for version\",\"cluster-version\":\"3.5\"", server.Log);
    }
}

// --host-whitelist and --cors on the client port's HTTP endpoints, answered as etcd 3.4 answers:
// the same status codes, bodies and CORS headers from both servers.
using System.Net;
using FastKv.Server.Tests.Support;
using FastKv.TestSupport;

namespace FastKv.Server.Tests;

public sealed class AccessControlParityTests
{
    private sealed record Answer(HttpStatusCode Status, string Body, string Cors);

    private static async Task<Answer> SendAsync(HttpClient http, string endpoint, HttpMethod method, string path, string host, string? origin)
    {
        using var request = new HttpRequestMessage(method, $"http://{endpoint}{path}");
        request.Headers.Host = host;
        request.Headers.ConnectionClose = true;
        if (origin is not null) request.Headers.Add("Origin", origin);
        using var response = await http.SendAsync(request);
        var cors = string.Join("|", new[] { "Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers" }
            .Select(h => response.Headers.TryGetValues(h, out var v) ? string.Join(",", v) : "-"));
        // /version differs by design (FastKv's own build) and /health carries etcd 3.5's "reason" field.
        var body = path == "/version" && response.IsSuccessStatusCode ? "(version)" : (await response.Content.ReadAsStringAsync()).Replace(",\"reason\":\"\"", "", StringComparison.Ordinal);
        return new Answer(response.StatusCode, body, cors);
    }

    private static async Task<List<Answer>> ProbeAsync(MemberProcess member)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        var port = member.Endpoint[(member.Endpoint.LastIndexOf(':') + 1)..];
        return
        [
            await SendAsync(http, member.Endpoint, HttpMethod.Get, "/version", "127.0.0.1:" + port, null),
            await SendAsync(http, member.Endpoint, HttpMethod.Get, "/version", "allowed.example:" + port, null),
            await SendAsync(http, member.Endpoint, HttpMethod.Get, "/version", "allowed.example", "http://app.example:8080"),
            await SendAsync(http, member.Endpoint, HttpMethod.Get, "/version", "allowed.example", "http://other.example:8080"),
            await SendAsync(http, member.Endpoint, HttpMethod.Options, "/v3/kv/range", "allowed.example", "http://app.example:8080"),
            await SendAsync(http, member.Endpoint, HttpMethod.Get, "/health", "evil.example", "http://app.example:8080"),
        ];
    }

    [Fact]
    public async Task Host_whitelist_and_cors_answer_as_etcd_does()
    {
        Assert.True(MemberProcess.EtcdAvailable, "etcd-server is needed (.ci/run installs it)");
        string[] flags = ["--host-whitelist", "allowed.example,127.0.0.2", "--cors", "http://app.example:8080"];
        using var dir = new TempDir();
        List<Answer> fastkv, etcd;
        using (var member = await MemberProcess.StartFastKvAsync(dir.Sub("fastkv"), extra: flags)) fastkv = await ProbeAsync(member);
        using (var member = await MemberProcess.StartEtcdAsync(dir.Sub("etcd"), extra: flags)) etcd = await ProbeAsync(member);
        Assert.Equal(etcd, fastkv);
        Assert.Equal(HttpStatusCode.MisdirectedRequest, fastkv[0].Status);
        Assert.Equal(HttpStatusCode.OK, fastkv[1].Status);
        Assert.StartsWith("http://app.example:8080|", fastkv[2].Cors);
        Assert.Equal("-|-|-", fastkv[3].Cors);
    }

    [Fact]
    public void A_cors_origin_without_a_port_is_refused_as_etcd_refuses_it()
    {
        var e = Assert.Throws<FastKv.Server.Config.FlagParseException>(() =>
            FastKv.Server.Config.ServerConfig.From(FastKv.Server.Config.FlagSet.Parse(["--cors", "http://app.example"], new Dictionary<string, string>())));
        Assert.Equal("invalid value \"http://app.example\" for flag -cors: URL address does not have the form \"host:port\": http://app.example", e.Message);
    }

    [Fact]
    public async Task By_default_any_host_is_served_with_cors_for_any_origin()
    {
        Assert.True(MemberProcess.EtcdAvailable, "etcd-server is needed (.ci/run installs it)");
        using var dir = new TempDir();
        List<Answer> fastkv, etcd;
        using (var member = await MemberProcess.StartFastKvAsync(dir.Sub("fastkv"))) fastkv = await ProbeAsync(member);
        using (var member = await MemberProcess.StartEtcdAsync(dir.Sub("etcd"))) etcd = await ProbeAsync(member);
        Assert.Equal(etcd, fastkv);
        Assert.All(fastkv, a => Assert.StartsWith("*|", a.Cors));
    }
}

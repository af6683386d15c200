// etcdctl given an endpoint with a scheme ("--endpoints=http://127.0.0.1:2379") dials its
// Maintenance calls (endpoint status, hash, defrag, snapshot save) with the whole URL as HTTP/2
// :authority. etcd serves them; so must FastKv, over cleartext and over TLS.
using System.Text.Json;
using FastKv.Server.Tests.Support;

namespace FastKv.Server.Tests;

[Collection("parity")]
public sealed class EndpointSchemeTests(ParityServers servers) : IClassFixture<ParityServers>
{
    private static string WithScheme(MemberProcess member) => "http://" + member.Endpoint;

    private static void AssertServed(EtcdctlResult result, string command)
    {
        Assert.True(result.ExitCode == 0, $"etcdctl {command}: exit {result.ExitCode}\n{result.Output}");
        Assert.DoesNotContain("PROTOCOL_ERROR", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Endpoint_status_with_a_scheme_reports_the_member_like_etcd()
    {
        var fastkv = await Etcdctl.RunAsync(WithScheme(servers.FastKv), "endpoint", "status", "-w", "json");
        var etcd = await Etcdctl.RunAsync(WithScheme(servers.Etcd), "endpoint", "status", "-w", "json");
        AssertServed(fastkv, "endpoint status");
        AssertServed(etcd, "endpoint status (etcd)");
        using var fastkvJson = JsonDocument.Parse(fastkv.Stdout);
        using var etcdJson = JsonDocument.Parse(etcd.Stdout);
        var fastkvStatus = fastkvJson.RootElement[0];
        var etcdStatus = etcdJson.RootElement[0];
        Assert.Equal(WithScheme(servers.FastKv), fastkvStatus.GetProperty("Endpoint").GetString());
        Assert.Equal(
            etcdStatus.GetProperty("Status").GetProperty("header").GetProperty("member_id").GetUInt64(),
            fastkvStatus.GetProperty("Status").GetProperty("header").GetProperty("member_id").GetUInt64());
        Assert.Equal(
            etcdStatus.GetProperty("Status").EnumerateObject().Select(p => p.Name).Order(),
            fastkvStatus.GetProperty("Status").EnumerateObject().Select(p => p.Name).Order());
    }

    [Fact]
    public async Task Defrag_with_a_scheme_prints_what_etcd_prints()
    {
        var fastkv = await Etcdctl.RunAsync(WithScheme(servers.FastKv), "defrag");
        var etcd = await Etcdctl.RunAsync(WithScheme(servers.Etcd), "defrag");
        AssertServed(fastkv, "defrag");
        Assert.Equal(
            ParityServers.Normalize(etcd.Output, servers.Etcd.Endpoint, false),
            ParityServers.Normalize(fastkv.Output, servers.FastKv.Endpoint, false));
    }

    [Fact]
    public async Task Hash_status_table_and_cluster_status_with_a_scheme_are_served()
    {
        var hash = await Etcdctl.RunAsync(WithScheme(servers.FastKv), "endpoint", "hash");
        AssertServed(hash, "endpoint hash");
        Assert.Matches($"^{System.Text.RegularExpressions.Regex.Escape(WithScheme(servers.FastKv))}, \\d+\\n$", hash.Stdout);

        var cluster = await Etcdctl.RunAsync(WithScheme(servers.FastKv), "endpoint", "status", "--cluster");
        AssertServed(cluster, "endpoint status --cluster");
        Assert.StartsWith(WithScheme(servers.FastKv) + ", ", cluster.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Snapshot_save_with_a_scheme_writes_the_backend()
    {
        using var dir = new TempDir();
        var path = dir.Sub("snap.db");
        var result = await Etcdctl.RunAsync(WithScheme(servers.FastKv), "snapshot", "save", path);
        AssertServed(result, "snapshot save");
        Assert.Contains($"Snapshot saved at {path}", result.Stdout, StringComparison.Ordinal);
        Assert.True(new FileInfo(path).Length > 0);
    }

    [Fact]
    public async Task Https_endpoint_status_is_served()
    {
        using var pki = new TlsTestPki();
        using var dir = new TempDir();
        var port = FreePort.Next();
        string[] flags =
        [
            "--listen-client-urls", $"https://127.0.0.1:{port}",
            "--advertise-client-urls", $"https://127.0.0.1:{port}",
            "--cert-file", pki.ServerCertFile,
            "--key-file", pki.ServerKeyFile,
        ];
        using var server = await MemberProcess.StartFastKvAsync(dir.Sub("data"), port, flags);
        var endpoint = $"https://127.0.0.1:{port}";
        var status = await Etcdctl.RunAsync(endpoint, "--cacert", pki.CaFile, "endpoint", "status", "-w", "json");
        AssertServed(status, "endpoint status over TLS");
        using var json = JsonDocument.Parse(status.Stdout);
        Assert.Equal(endpoint, json.RootElement[0].GetProperty("Endpoint").GetString());
        AssertServed(await Etcdctl.RunAsync(endpoint, "--cacert", pki.CaFile, "endpoint", "hash"), "endpoint hash over TLS");
    }
}

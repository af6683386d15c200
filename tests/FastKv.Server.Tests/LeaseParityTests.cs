// etcdctl's lease commands against FastKv print what they print against etcd 3.4 (lease IDs,
// random on both servers, are masked; TTLs and attached keys are compared).
using FastKv.Server.Tests.Support;

namespace FastKv.Server.Tests;

[Collection("parity")]
public sealed class LeaseParityTests(ParityServers servers) : IClassFixture<ParityServers>
{
    internal static async Task<string> GrantAsync(string endpoint, int ttl)
    {
        var r = await Etcdctl.RunAsync(endpoint, "lease", "grant", ttl.ToString());
        Assert.True(r.ExitCode == 0, r.Output);
        // "lease 694d7a4a0a1f5e0c granted with TTL(60s)"
        return r.Stdout.Split(' ')[1];
    }

    [Fact]
    public async Task Grant_attach_time_to_live_and_revoke_like_etcd()
    {
        await servers.SameAsync(["lease", "grant", "600"], leases: true);
        var etcdLease = await GrantAsync(servers.Etcd.Endpoint, 300);
        var fastkvLease = await GrantAsync(servers.FastKv.Endpoint, 300);

        async Task Both(Func<string, string[]> args)
        {
            var e = await Etcdctl.RunAsync(servers.Etcd.Endpoint, args(etcdLease), null);
            var f = await Etcdctl.RunAsync(servers.FastKv.Endpoint, args(fastkvLease), null);
            Assert.Equal(e.ExitCode, f.ExitCode);
            var expected = ParityServers.Normalize(e.Output, servers.Etcd.Endpoint, leases: true);
            var actual = ParityServers.Normalize(f.Output, servers.FastKv.Endpoint, leases: true);
            // Remaining TTL may differ by a second between the two servers' clocks.
            Assert.Equal(MaskRemaining(expected), MaskRemaining(actual));
        }

        await Both(id => ["put", "/lease/a", "1", "--lease", id]);
        await Both(id => ["put", "/lease/b", "2", "--lease", id]);
        await Both(id => ["lease", "timetolive", id]);
        await Both(id => ["lease", "timetolive", id, "--keys"]);
        await Both(id => ["lease", "timetolive", id, "--keys", "-w", "json"]);
        await Both(id => ["get", "/lease/", "--prefix", "-w", "json"]);
        await Both(id => ["lease", "keep-alive", "--once", id]);
        await Both(id => ["lease", "revoke", id]);
        await Both(id => ["get", "/lease/", "--prefix"]);
        await Both(id => ["lease", "timetolive", id]);
        await Both(id => ["lease", "revoke", id]);
        await Both(id => ["put", "/lease/c", "3", "--lease", id]);
    }

    // Only the remaining TTL is a timing; the granted TTL must match exactly. etcd lists a
    // lease's keys in Go map order (random from run to run), so both lists are compared sorted.
    private static string MaskRemaining(string s)
    {
        // "ttl" in timetolive's JSON is the remaining TTL too ("granted-ttl" is compared as is).
        s = System.Text.RegularExpressions.Regex.Replace(s, @"remaining\(\d+s\)|""(?<name>TTL|ttl)"":\d+",
            m => m.Value[0] == 'r' ? "remaining(<n>s)" : $"\"{m.Groups["name"].Value}\":<n>");
        s = System.Text.RegularExpressions.Regex.Replace(s, @"""keys"":\[(?<l>[^\]]*)\]", m => "\"keys\":[" + string.Join(',', m.Groups["l"].Value.Split(',').Order(StringComparer.Ordinal)) + "]");
        return System.Text.RegularExpressions.Regex.Replace(s, @"attached keys\(\[(?<l>[^\]]*)\]\)", m => "attached keys([" + string.Join(' ', m.Groups["l"].Value.Split(' ').Order(StringComparer.Ordinal)) + "])");
    }
}

// Lease behaviour checked on FastKv alone (its own server, so the parity servers' revisions stay in step).
public sealed class LeaseLifecycleTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private MemberProcess? _server;
    private MemberProcess Server => _server!;

    public async Task InitializeAsync() => _server = await MemberProcess.StartFastKvAsync(_dir.Sub("data"));

    public Task DisposeAsync()
    {
        _server?.Dispose();
        _dir.Dispose();
        return Task.CompletedTask;
    }

    private Task<string> GrantAsync(string endpoint, int ttl) => LeaseParityTests.GrantAsync(endpoint, ttl);

    [Fact]
    public async Task Lease_list_shows_every_granted_lease()
    {
        var before = await Etcdctl.RunAsync(Server.Endpoint, "lease", "list");
        await GrantAsync(Server.Endpoint, 120);
        var after = await Etcdctl.RunAsync(Server.Endpoint, "lease", "list");
        Assert.Contains("found", after.Stdout);
        Assert.Equal(CountLeases(before.Stdout) + 1, CountLeases(after.Stdout));
    }

    [Fact]
    public async Task An_expired_lease_deletes_its_keys()
    {
        var lease = await GrantAsync(Server.Endpoint, 2);
        var put = await Etcdctl.RunAsync(Server.Endpoint, "put", "/expire/k", "v", "--lease", lease);
        Assert.Equal(0, put.ExitCode);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        string output;
        do
        {
            await Task.Delay(500);
            output = (await Etcdctl.RunAsync(Server.Endpoint, "get", "/expire/k")).Stdout;
        } while (output.Length > 0 && DateTime.UtcNow < deadline);
        Assert.Equal("", output);
    }

    private static int CountLeases(string listOutput) =>
        listOutput.Split('\n').Count(l => l.StartsWith("found ", StringComparison.Ordinal)) is 1
            ? int.Parse(listOutput.Split('\n')[0].Split(' ')[1])
            : 0;

}

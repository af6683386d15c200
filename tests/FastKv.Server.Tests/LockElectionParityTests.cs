// The Lock and Election services against the real etcd 3.4: the same scripted calls on both
// servers give the same transcript (results, error codes and texts, revisions relative to the
// start, lease IDs masked); and the waiting behaviour (a contender waits for the holder, a
// cancelled or expired contender leaves the queue, observers follow the leader) holds on both.
using System.Globalization;
using System.Text;
using FastKv.Api;
using FastKv.Api.V3electionpb;
using FastKv.Grpc;
using FastKv.Server.Tests.Support;
using Google.Protobuf;

namespace FastKv.Server.Tests;

public sealed class LockElectionParityTests(ParityServers servers) : IClassFixture<ParityServers>
{
    private string EndpointOf(string server) => server == "etcd" ? servers.Etcd.Endpoint : servers.FastKv.Endpoint;

    [Fact]
    public async Task Scripted_lock_and_election_calls_give_etcds_transcript()
    {
        var etcd = await TranscriptAsync(servers.Etcd.Endpoint);
        var fastkv = await TranscriptAsync(servers.FastKv.Endpoint);
        Assert.Equal(etcd, fastkv);
        // The script reaches both outcomes of every call, so the comparison is not vacuous.
        Assert.Contains("error Unknown election: no leader", fastkv, StringComparison.Ordinal);
        Assert.Contains("error Unknown etcdserver: requested lease not found", fastkv, StringComparison.Ordinal);
        Assert.Contains(" value=v3 ", fastkv, StringComparison.Ordinal);
    }

    private static async Task<string> TranscriptAsync(string endpoint)
    {
        using var calls = new ConcurrencyCalls(endpoint);
        var t = new StringBuilder();
        var start = await calls.RevisionAsync();
        var lease = await calls.GrantAsync(60);
        string Mask(string s) => s.Replace(lease.ToString("x", CultureInfo.InvariantCulture), "<A>", StringComparison.Ordinal)
                                  .Replace(lease.ToString(CultureInfo.InvariantCulture), "<A>", StringComparison.Ordinal);
        string Key(ByteString k) => Mask(k.ToStringUtf8());
        long Rel(long revision) => revision - start;
        string Header(FastKv.Api.Etcdserverpb.ResponseHeader h) => $"rev+{Rel(h.Revision)} cluster={h.ClusterId:x} member={h.MemberId:x}";
        async Task Step(string label, Func<Task<string>> call)
        {
            try
            {
                var result = await call();
                t.Append(label).Append(": ").AppendLine(Mask(result));
            }
            catch (RpcException e)
            {
                t.Append(label).Append(": error ").Append(e.Code).Append(' ').AppendLine(e.Message);
            }
        }
        async Task<string> Leader(string name)
        {
            var l = await calls.LeaderAsync(name);
            return $"{Header(l.Header)} leader key={Key(l.Kv.Key)} value={l.Kv.Value.ToStringUtf8()} create=+{Rel(l.Kv.CreateRevision)} mod=+{Rel(l.Kv.ModRevision)} lease={l.Kv.Lease}";
        }

        await Step("leader of empty election", () => Leader("pe"));
        await Step("lock with unknown lease", async () => Key((await calls.LockAsync("pl", 12345)).Key));
        await Step("campaign with unknown lease", async () => (await calls.CampaignAsync("pe", 12345, "v")).ToString());
        await Step("proclaim without leader", async () => (await calls.ProclaimAsync(null, "v")).ToString());
        await Step("resign without leader", async () => (await calls.ResignAsync(null)).ToString());
        var stranger = new LeaderKey { Name = ConcurrencyCalls.Bytes("pe"), Key = ConcurrencyCalls.Bytes("pe/abc"), Rev = 5, Lease = lease };
        await Step("proclaim for a stranger", async () => Header((await calls.ProclaimAsync(stranger, "v")).Header));
        await Step("resign for a stranger", async () => Header((await calls.ResignAsync(stranger)).Header));
        await Step("unlock empty key", async () => Header((await calls.UnlockAsync(ByteString.Empty)).Header));

        LockResponseBox held = new();
        await Step("lock", async () => { held.Value = await calls.LockAsync("pl", lease); return $"{Header(held.Value.Header)} key={Key(held.Value.Key)}"; });
        await Step("lock again with the same lease", async () => { var again = await calls.LockAsync("pl", lease); return $"{Header(again.Header)} key={Key(again.Key)}"; });
        await Step("unlock", async () => Header((await calls.UnlockAsync(held.Value!.Key)).Header));
        await Step("lock an empty name", async () => { var r = await calls.LockAsync("", lease); await calls.UnlockAsync(r.Key); return $"{Header(r.Header)} key={Key(r.Key)}"; });

        LeaderKey? leader = null;
        string Describe(LeaderKey k) => $"name={k.Name.ToStringUtf8()} key={Key(k.Key)} rev=+{Rel(k.Rev)} lease={k.Lease}";
        await Step("campaign", async () => { var c = await calls.CampaignAsync("pe", lease, "v1"); leader = c.Leader; return $"{Header(c.Header)} {Describe(c.Leader)}"; });
        await Step("leader", () => Leader("pe"));
        await Step("campaign again with a new value", async () => { var c = await calls.CampaignAsync("pe", lease, "v2"); return $"{Header(c.Header)} {Describe(c.Leader)}"; });
        await Step("leader", () => Leader("pe"));
        await Step("proclaim", async () => Header((await calls.ProclaimAsync(leader, "v3")).Header));
        await Step("leader", () => Leader("pe"));
        await Step("resign", async () => Header((await calls.ResignAsync(leader)).Header));
        await Step("leader after resign", () => Leader("pe"));
        await Step("proclaim after resign", async () => Header((await calls.ProclaimAsync(leader, "v4")).Header));
        await Step("resign again", async () => Header((await calls.ResignAsync(leader)).Header));
        await calls.RevokeAsync(lease);
        return t.ToString();
    }

    [Fact]
    public async Task Observe_reports_the_same_leaders_and_header_revisions_as_etcd()
    {
        var etcd = await ObserveTranscriptAsync(servers.Etcd.Endpoint);
        var fastkv = await ObserveTranscriptAsync(servers.FastKv.Endpoint);
        Assert.Equal(etcd, fastkv);
        Assert.Contains("obs/<B>=b2", fastkv, StringComparison.Ordinal);
    }

    private static async Task<string> ObserveTranscriptAsync(string endpoint)
    {
        using var calls = new ConcurrencyCalls(endpoint);
        var start = await calls.RevisionAsync();
        var a = await calls.GrantAsync(60);
        var b = await calls.GrantAsync(60);
        string Mask(string s) => s.Replace(a.ToString("x", CultureInfo.InvariantCulture), "<A>", StringComparison.Ordinal)
                                  .Replace(b.ToString("x", CultureInfo.InvariantCulture), "<B>", StringComparison.Ordinal);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var observe = calls.Observe("obs", stop.Token);
        var t = new StringBuilder();
        async Task NextAsync()
        {
            Assert.True(await observe.ResponseStream.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)), "observe ended");
            var r = observe.ResponseStream.Current;
            t.AppendLine(Mask($"header=+{r.Header.Revision - start} {r.Kv.Key.ToStringUtf8()}={r.Kv.Value.ToStringUtf8()} create=+{r.Kv.CreateRevision - start} mod=+{r.Kv.ModRevision - start}"));
        }
        await Task.Delay(500);
        var alice = await calls.CampaignAsync("obs", a, "a1");
        await NextAsync();
        await calls.ProclaimAsync(alice.Leader, "a2");
        await NextAsync();
        var bob = calls.CampaignAsync("obs", b, "b1");
        await Task.Delay(500);
        await calls.ResignAsync(alice.Leader);
        var bobLeads = await bob.WaitAsync(TimeSpan.FromSeconds(10));
        await NextAsync();
        await calls.ProclaimAsync(bobLeads.Leader, "b2");
        await NextAsync();
        await calls.RevokeAsync(a);
        await calls.RevokeAsync(b);
        return t.ToString();
    }

    private sealed class LockResponseBox
    {
        public FastKv.Api.V3lockpb.LockResponse? Value { get; set; }
    }

    [Theory]
    [InlineData("fastkv")]
    [InlineData("etcd")]
    public async Task A_lock_without_lease_gets_a_sixty_second_lease(string server)
    {
        using var calls = new ConcurrencyCalls(EndpointOf(server));
        var held = await calls.LockAsync("nolease", 0);
        var hex = held.Key.ToStringUtf8()["nolease/".Length..];
        var lease = long.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var ttl = await calls.TimeToLiveAsync(lease);
        Assert.Equal(60, ttl.GrantedTTL);
        var keys = await calls.PrefixAsync("nolease/");
        Assert.Equal(lease, Assert.Single(keys.Kvs).Lease);
        await calls.RevokeAsync(lease);
        Assert.Empty((await calls.PrefixAsync("nolease/")).Kvs);
    }

    [Theory]
    [InlineData("fastkv")]
    [InlineData("etcd")]
    public async Task A_contender_waits_for_the_holder_and_gets_the_lock_after_unlock(string server)
    {
        using var calls = new ConcurrencyCalls(EndpointOf(server));
        var a = await calls.GrantAsync(60);
        var b = await calls.GrantAsync(60);
        var first = await calls.LockAsync("queue", a);
        var second = calls.LockAsync("queue", b);
        await Task.Delay(700);
        Assert.False(second.IsCompleted, "the second contender got the lock while the first held it");
        var unlocked = await calls.UnlockAsync(first.Key);
        var got = await second.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal($"queue/{b:x}", got.Key.ToStringUtf8());
        Assert.True(got.Header.Revision >= unlocked.Header.Revision, $"lock granted at {got.Header.Revision}, before the unlock at {unlocked.Header.Revision}");
        await calls.RevokeAsync(a);
        await calls.RevokeAsync(b);
    }

    [Theory]
    [InlineData("fastkv")]
    [InlineData("etcd")]
    public async Task Revoking_the_holders_lease_releases_the_lock(string server)
    {
        using var calls = new ConcurrencyCalls(EndpointOf(server));
        var a = await calls.GrantAsync(60);
        var b = await calls.GrantAsync(60);
        await calls.LockAsync("revoked", a);
        var second = calls.LockAsync("revoked", b);
        await Task.Delay(500);
        Assert.False(second.IsCompleted);
        await calls.RevokeAsync(a);
        var got = await second.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal($"revoked/{b:x}", got.Key.ToStringUtf8());
        await calls.RevokeAsync(b);
    }

    [Theory]
    [InlineData("fastkv")]
    [InlineData("etcd")]
    public async Task A_contender_that_gives_up_leaves_the_queue(string server)
    {
        using var calls = new ConcurrencyCalls(EndpointOf(server));
        var a = await calls.GrantAsync(60);
        var b = await calls.GrantAsync(60);
        await calls.LockAsync("giveup", a);
        using (var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(600)))
            await Assert.ThrowsAnyAsync<Exception>(() => calls.LockAsync("giveup", b, cancel.Token));
        // The server notices the cancelled call and deletes the waiter's key.
        var keys = await EventuallyAsync(async () => await calls.PrefixAsync("giveup/"), r => r.Kvs.Count == 1);
        Assert.Equal($"giveup/{a:x}", keys.Kvs[0].Key.ToStringUtf8());
        await calls.RevokeAsync(a);
        await calls.RevokeAsync(b);
    }

    [Theory]
    [InlineData("fastkv")]
    [InlineData("etcd")]
    public async Task Observers_follow_the_leader_through_proclamations_and_succession(string server)
    {
        using var calls = new ConcurrencyCalls(EndpointOf(server));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var observe = calls.Observe("succession", stop.Token);
        var seen = new List<string>();
        async Task<string> NextAsync()
        {
            Assert.True(await observe.ResponseStream.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)), "observe ended");
            var kv = observe.ResponseStream.Current.Kv;
            return $"{kv.Key.ToStringUtf8()}={kv.Value.ToStringUtf8()}";
        }
        var a = await calls.GrantAsync(60);
        var b = await calls.GrantAsync(60);
        // Observe starts on an empty election and waits for the first candidate.
        await Task.Delay(500);
        var alice = await calls.CampaignAsync("succession", a, "alice");
        Assert.Equal($"succession/{a:x}=alice", await NextAsync());
        await calls.ProclaimAsync(alice.Leader, "alice-2");
        Assert.Equal($"succession/{a:x}=alice-2", await NextAsync());
        var bob = calls.CampaignAsync("succession", b, "bob");
        await Task.Delay(500);
        Assert.False(bob.IsCompleted, "bob was elected while alice led");
        await calls.ResignAsync(alice.Leader);
        var elected = await bob.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal($"succession/{b:x}", elected.Leader.Key.ToStringUtf8());
        Assert.Equal($"succession/{b:x}=bob", await NextAsync());
        await calls.RevokeAsync(a);
        await calls.RevokeAsync(b);
        // After the last leader's lease ends nobody leads.
        var e = await Assert.ThrowsAsync<RpcException>(() => calls.LeaderAsync("succession"));
        Assert.Equal((StatusCode.Unknown, "election: no leader"), (e.Code, e.Message));
    }

    [Theory]
    [InlineData("fastkv")]
    [InlineData("etcd")]
    public async Task A_candidate_whose_call_is_cancelled_withdraws(string server)
    {
        using var calls = new ConcurrencyCalls(EndpointOf(server));
        var a = await calls.GrantAsync(60);
        var b = await calls.GrantAsync(60);
        await calls.CampaignAsync("withdraw", a, "a");
        using (var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(600)))
            await Assert.ThrowsAnyAsync<Exception>(() => calls.CampaignAsync("withdraw", b, "b", cancel.Token));
        var keys = await EventuallyAsync(async () => await calls.PrefixAsync("withdraw/"), r => r.Kvs.Count == 1);
        Assert.Equal($"withdraw/{a:x}", keys.Kvs[0].Key.ToStringUtf8());
        await calls.RevokeAsync(a);
        await calls.RevokeAsync(b);
    }

    internal static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline) return value;
            await Task.Delay(100);
        }
    }
}

/// <summary>With auth on, the services act as the caller: the same permission outcomes as etcd's.</summary>
public sealed class LockElectionAuthParityTests : IAsyncLifetime
{
    private readonly ParityServers _servers = new();

    public async Task InitializeAsync()
    {
        await _servers.InitializeAsync();
        string[][] setup =
        [
            ["user", "add", "root", "--new-user-password=rootpw"],
            ["role", "add", "locker"],
            ["role", "grant-permission", "locker", "readwrite", "allowed/", "--prefix"],
            ["user", "add", "alice", "--new-user-password=alicepw"],
            ["user", "grant-role", "alice", "locker"],
            ["auth", "enable"],
        ];
        foreach (var args in setup)
            await _servers.SameAsync(args);
    }

    public Task DisposeAsync() => _servers.DisposeAsync();

    [Fact]
    public async Task Lock_and_election_calls_are_checked_against_the_callers_permissions()
    {
        var etcd = await TranscriptAsync(_servers.Etcd.Endpoint);
        var fastkv = await TranscriptAsync(_servers.FastKv.Endpoint);
        Assert.Equal(etcd, fastkv);
        Assert.Contains("denied lock: error Unknown etcdserver: permission denied", fastkv, StringComparison.Ordinal);
        Assert.Contains("allowed lock: allowed/<A>", fastkv, StringComparison.Ordinal);
        Assert.Contains("denied observe: ended after 0 messages", fastkv, StringComparison.Ordinal);
    }

    private static async Task<string> TranscriptAsync(string endpoint)
    {
        string rootToken, aliceToken;
        using (var anonymous = new ConcurrencyCalls(endpoint))
        {
            rootToken = await anonymous.AuthenticateAsync("root", "rootpw");
            aliceToken = await anonymous.AuthenticateAsync("alice", "alicepw");
        }
        using var root = new ConcurrencyCalls(endpoint, rootToken);
        using var alice = new ConcurrencyCalls(endpoint, aliceToken);
        using var nobody = new ConcurrencyCalls(endpoint);
        using var forged = new ConcurrencyCalls(endpoint, "forged.token");
        var lease = await root.GrantAsync(60);
        var t = new System.Text.StringBuilder();
        async Task Step(string label, Func<Task<string>> call)
        {
            try
            {
                var result = await call();
                t.Append(label).Append(": ").AppendLine(result.Replace(lease.ToString("x", CultureInfo.InvariantCulture), "<A>", StringComparison.Ordinal));
            }
            catch (RpcException e)
            {
                t.Append(label).Append(": error ").Append(e.Code).Append(' ').AppendLine(e.Message);
            }
        }

        FastKv.Api.V3lockpb.LockResponse? held = null;
        await Step("allowed lock", async () => { held = await alice.LockAsync("allowed", lease); return held.Key.ToStringUtf8(); });
        await Step("denied lock", async () => (await alice.LockAsync("denied", lease)).Key.ToStringUtf8());
        await Step("denied campaign", async () => (await alice.CampaignAsync("denied", lease, "v")).Leader.Key.ToStringUtf8());
        await Step("denied leader", async () => (await alice.LeaderAsync("denied")).Kv.Key.ToStringUtf8());
        await Step("root lock on denied", async () => { var r = await root.LockAsync("denied", lease); await root.UnlockAsync(r.Key); return r.Key.ToStringUtf8(); });
        await Step("lock without token", async () => (await nobody.LockAsync("allowed", lease)).Key.ToStringUtf8());
        await Step("leader without token", async () => (await nobody.LeaderAsync("allowed")).Kv.Key.ToStringUtf8());
        await Step("lock with forged token", async () => (await forged.LockAsync("allowed", lease)).Key.ToStringUtf8());
        await Step("denied observe", () => ObserveOutcomeAsync(alice, "denied"));
        await Step("observe with forged token", () => ObserveOutcomeAsync(forged, "allowed"));
        await Step("denied unlock", async () => { await alice.UnlockAsync(ConcurrencyCalls.Bytes("denied/x")); return "ok"; });
        await Step("allowed unlock", async () => { await alice.UnlockAsync(held!.Key); return "ok"; });
        await root.RevokeAsync(lease);
        return t.ToString();
    }

    // What an observer with no right to read gets: etcd ends the stream at once, with OK.
    private static async Task<string> ObserveOutcomeAsync(ConcurrencyCalls calls, string name)
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        using var observe = calls.Observe(name, stop.Token);
        var messages = 0;
        try
        {
            while (await observe.ResponseStream.MoveNextAsync()) messages++;
            return $"ended after {messages} messages";
        }
        catch (RpcException) when (stop.IsCancellationRequested)
        {
            return $"still open after {messages} messages";
        }
    }
}

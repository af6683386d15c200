// etcd's lock and election, driven by the real etcdctl against a FastKv process. etcdctl runs
// the recipes itself over KV, lease and watch, so these show the key space behaves as the
// recipes need (queueing by create revision, deletes waking the next in line, leases
// releasing); the interop tests show the server-side Lock/Election services share the queue
// with them, key for key.
using System.Globalization;
using System.Text.Json;
using FastKv.Server.Tests.Support;

namespace FastKv.Server.Tests;

public sealed class FastKvServerFixture : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private MemberProcess? _server;

    internal string Endpoint => (_server ?? throw new InvalidOperationException("not started")).Endpoint;

    public async Task InitializeAsync()
    {
        Assert.True(Etcdctl.Available, "etcdctl is missing: apt-get install etcd-client (.ci/run does)");
        _server = await MemberProcess.StartFastKvAsync(_dir.Sub("data"));
    }

    public Task DisposeAsync()
    {
        _server?.Dispose();
        _dir.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class LockElectionTests(FastKvServerFixture server) : IClassFixture<FastKvServerFixture>
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(1200);

    [Fact]
    public async Task Etcdctl_lock_holds_until_interrupted_then_the_waiting_lock_runs_its_command()
    {
        using var holder = new RunningEtcdctl(server.Endpoint, "lock", "mylock");
        var key = (await holder.WaitForLinesAsync(1))[0];
        Assert.Matches("^mylock/[0-9a-f]+$", key);
        var listed = await Etcdctl.RunAsync(server.Endpoint, "get", "--prefix", "mylock/", "--keys-only");
        Assert.Equal(key, listed.Stdout.Trim());

        var waiting = Etcdctl.RunAsync(server.Endpoint, ["lock", "mylock", "echo", "hi"], limit: TimeSpan.FromSeconds(30));
        await Task.Delay(Settle);
        Assert.False(waiting.IsCompleted, "the second etcdctl lock ran its command while the first held the lock");

        holder.Interrupt();
        var (holderExit, _) = await holder.WaitForExitAsync();
        Assert.Equal(0, holderExit);
        var ran = await waiting.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal((0, "hi"), (ran.ExitCode, ran.Stdout.Trim()));
        // Both released: nothing left under the prefix.
        Assert.Equal("", (await Etcdctl.RunAsync(server.Endpoint, "get", "--prefix", "mylock/", "--keys-only")).Stdout.Trim());
    }

    [Fact]
    public async Task Waiting_contenders_run_their_commands_one_at_a_time_in_arrival_order()
    {
        var log = Path.Combine(Path.GetTempPath(), $"fastkv-lock-order-{Guid.NewGuid():N}");
        try
        {
            using var holder = new RunningEtcdctl(server.Endpoint, "lock", "ordered");
            await holder.WaitForLinesAsync(1);
            string Critical(string who) => $"echo {who}-start >> {log}; sleep 0.5; echo {who}-end >> {log}";
            var b = Etcdctl.RunAsync(server.Endpoint, ["lock", "ordered", "--", "sh", "-c", Critical("B")], limit: TimeSpan.FromSeconds(40));
            await Task.Delay(Settle);
            var c = Etcdctl.RunAsync(server.Endpoint, ["lock", "ordered", "--", "sh", "-c", Critical("C")], limit: TimeSpan.FromSeconds(40));
            await Task.Delay(Settle);
            Assert.False(File.Exists(log), "a contender ran while the holder held the lock");

            holder.Interrupt();
            var results = await Task.WhenAll(b, c).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.All(results, r => Assert.Equal(0, r.ExitCode));
            Assert.Equal(["B-start", "B-end", "C-start", "C-end"], await File.ReadAllLinesAsync(log));
        }
        finally
        {
            File.Delete(log);
        }
    }

    [Fact]
    public async Task Etcdctl_lock_ttl_binds_the_lock_to_a_lease_that_releases_it_when_the_holder_dies()
    {
        using var holder = new RunningEtcdctl(server.Endpoint, "lock", "--ttl", "3", "ttllock");
        var key = (await holder.WaitForLinesAsync(1))[0];
        var lease = key["ttllock/".Length..];
        var ttl = await Etcdctl.RunAsync(server.Endpoint, "lease", "timetolive", lease);
        Assert.StartsWith($"lease {lease} granted with TTL(3s)", ttl.Stdout, StringComparison.Ordinal);

        // SIGKILL: etcdctl neither unlocks nor revokes, so only the lease's expiry frees the lock.
        holder.Kill();
        var started = DateTime.UtcNow;
        var next = await Etcdctl.RunAsync(server.Endpoint, ["lock", "ttllock", "echo", "free"], limit: TimeSpan.FromSeconds(30));
        Assert.Equal((0, "free"), (next.ExitCode, next.Stdout.Trim()));
        Assert.True(DateTime.UtcNow - started > TimeSpan.FromSeconds(1), "the lock was free before the dead holder's lease expired");
    }

    [Fact]
    public async Task Etcdctl_elect_campaigns_observers_follow_and_the_next_candidate_takes_over()
    {
        using var observer = new RunningEtcdctl(server.Endpoint, "elect", "-l", "myelection");
        await Task.Delay(Settle);
        using var alice = new RunningEtcdctl(server.Endpoint, "elect", "myelection", "alice");
        var aliceLines = await alice.WaitForLinesAsync(2);
        Assert.Matches("^myelection/[0-9a-f]+$", aliceLines[0]);
        Assert.Equal("alice", aliceLines[1]);

        using var bob = new RunningEtcdctl(server.Endpoint, "elect", "myelection", "bob");
        await Task.Delay(Settle);
        Assert.Empty(bob.Lines);

        alice.Interrupt();
        var bobLines = await bob.WaitForLinesAsync(2);
        Assert.Matches("^myelection/[0-9a-f]+$", bobLines[0]);
        Assert.Equal("bob", bobLines[1]);
        var observed = await observer.WaitForLinesAsync(4);
        Assert.Equal([aliceLines[0], "alice", bobLines[0], "bob"], observed);

        bob.Interrupt();
        await bob.WaitForExitAsync();
        var (aliceExit, _) = await alice.WaitForExitAsync();
        Assert.Equal(0, aliceExit);
    }

    [Fact]
    public async Task A_lock_taken_through_the_service_is_a_leased_key_under_the_prefix_that_etcdctl_lock_waits_for()
    {
        using var calls = new ConcurrencyCalls(server.Endpoint);
        var lease = await calls.GrantAsync(60);
        var held = await calls.LockAsync("mixed", lease);
        Assert.Equal($"mixed/{lease:x}", held.Key.ToStringUtf8());

        var listed = await Etcdctl.RunAsync(server.Endpoint, "get", "--prefix", "mixed/", "-w", "json");
        using (var json = JsonDocument.Parse(listed.Stdout))
        {
            var kv = Assert.Single(json.RootElement.GetProperty("kvs").EnumerateArray());
            Assert.Equal(held.Key.ToBase64(), kv.GetProperty("key").GetString());
            Assert.Equal(lease, kv.GetProperty("lease").GetInt64());
        }

        var waiting = Etcdctl.RunAsync(server.Endpoint, ["lock", "mixed", "echo", "got"], limit: TimeSpan.FromSeconds(30));
        await Task.Delay(Settle);
        Assert.False(waiting.IsCompleted, "etcdctl lock got the lock the service had granted");
        await calls.UnlockAsync(held.Key);
        var ran = await waiting.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal((0, "got"), (ran.ExitCode, ran.Stdout.Trim()));
        await calls.RevokeAsync(lease);
    }

    [Fact]
    public async Task The_service_waits_for_a_lock_etcdctl_holds_and_sees_etcdctls_leader()
    {
        using var calls = new ConcurrencyCalls(server.Endpoint);
        using var holder = new RunningEtcdctl(server.Endpoint, "lock", "mixed2");
        await holder.WaitForLinesAsync(1);
        var lease = await calls.GrantAsync(60);
        var waiting = calls.LockAsync("mixed2", lease);
        await Task.Delay(Settle);
        Assert.False(waiting.IsCompleted, "the service granted a lock etcdctl holds");
        holder.Interrupt();
        var got = await waiting.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal($"mixed2/{lease:x}", got.Key.ToStringUtf8());
        await calls.RevokeAsync(lease);

        using var candidate = new RunningEtcdctl(server.Endpoint, "elect", "mixedelection", "carol");
        var proposal = await candidate.WaitForLinesAsync(2);
        var leader = await calls.LeaderAsync("mixedelection");
        Assert.Equal((proposal[0], "carol"), (leader.Kv.Key.ToStringUtf8(), leader.Kv.Value.ToStringUtf8()));
        Assert.Equal(long.Parse(proposal[0]["mixedelection/".Length..], NumberStyles.HexNumber, CultureInfo.InvariantCulture), leader.Kv.Lease);
        candidate.Interrupt();
        await candidate.WaitForExitAsync();
    }

    [Fact]
    public async Task A_member_with_waiting_lock_and_campaign_calls_still_stops_cleanly()
    {
        using var dir = new TempDir();
        using var member = await MemberProcess.StartFastKvAsync(dir.Sub("data"));
        using var calls = new ConcurrencyCalls(member.Endpoint);
        var a = await calls.GrantAsync(60);
        var b = await calls.GrantAsync(60);
        await calls.LockAsync("stop", a);
        await calls.CampaignAsync("stop-election", a, "a");
        var lockWaiter = calls.LockAsync("stop", b);
        var campaignWaiter = calls.CampaignAsync("stop-election", b, "b");
        await Task.Delay(Settle);
        Assert.False(lockWaiter.IsCompleted || campaignWaiter.IsCompleted);

        var stopping = Task.Run(() => member.Stop(TimeSpan.FromSeconds(20)));
        var started = DateTime.UtcNow;
        Assert.Equal(0, await stopping.WaitAsync(TimeSpan.FromSeconds(30)));
        // The waiters give up when the host stops rather than hold shutdown for its 5 s grace.
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(4), $"the member took {(DateTime.UtcNow - started).TotalSeconds:F1} s to stop");
        // The waiters hear an error, not the lock or the leadership.
        await Assert.ThrowsAnyAsync<Exception>(() => lockWaiter.WaitAsync(TimeSpan.FromSeconds(10)));
        await Assert.ThrowsAnyAsync<Exception>(() => campaignWaiter.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}

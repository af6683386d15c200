// Maintenance.Defragment and Maintenance.MoveLeader against the real etcdctl: the same output as
// etcd 3.4; the quota runbook (fill, compact, defrag, disarm) gets the space back; and the
// issue's acceptance: reads and writes keep flowing while a 200k-key database is defragmented
// (etcd stops both for seconds).
using System.Diagnostics;
using System.Text.RegularExpressions;
using FastKv.Api.Etcdserverpb;
using FastKv.Grpc.Client;
using FastKv.Server.Tests.Support;
using Google.Protobuf;
using Xunit.Abstractions;

namespace FastKv.Server.Tests;

[Collection("parity")]
public sealed partial class DefragTests(ParityServers servers, ITestOutputHelper output) : IClassFixture<ParityServers>
{
    [Fact]
    public async Task Defrag_and_move_leader_print_what_etcd_prints()
    {
        var status = await Etcdctl.RunAsync(servers.FastKv.Endpoint, "endpoint", "status", "-w", "json");
        var self = ulong.Parse(MemberIdJson().Match(status.Stdout).Groups[1].Value).ToString("x");

        await servers.SameAsync(["put", "/k", "v"]);
        var defrag = await servers.SameAsync(["defrag"]);
        Assert.Equal($"Finished defragmenting etcd member[{servers.FastKv.Endpoint}]\n", defrag.FastKv.Stdout);
        await servers.SameAsync(["get", "/k"]);

        var moved = await servers.SameAsync(["move-leader", self]);
        Assert.Equal($"Leadership transferred from {self} to {self}\n", moved.FastKv.Stdout);
        await servers.SameAsync(["move-leader", self, "-w", "json"]);
        await servers.SameAsync(["move-leader", self, "-w", "protobuf"]);
        var unknown = await servers.SameAsync(["move-leader", "1234"]);
        Assert.Contains("code = FailedPrecondition desc = etcdserver: bad leader transferee", unknown.FastKv.Stderr);
        await servers.SameAsync(["move-leader", "0"]);
        await servers.SameAsync(["move-leader", "zz"]);
        await servers.SameAsync(["move-leader"]);
    }

    [Fact]
    public async Task Defrag_needs_root_when_auth_is_on_and_move_leader_does_not_as_in_etcd()
    {
        var status = await Etcdctl.RunAsync(servers.FastKv.Endpoint, "endpoint", "status", "-w", "json");
        var self = ulong.Parse(MemberIdJson().Match(status.Stdout).Groups[1].Value).ToString("x");
        await servers.SameAsync(["user", "add", "root:rootpw"]);
        await servers.SameAsync(["role", "add", "root"]);
        await servers.SameAsync(["user", "grant-role", "root", "root"]);
        await servers.SameAsync(["--user", "root:rootpw", "user", "add", "plain:plainpw"]);
        await servers.SameAsync(["auth", "enable"]);
        try
        {
            await servers.SameAsync(["defrag"]);
            await servers.SameAsync(["--user", "plain:plainpw", "defrag"]);
            // Hashes and snapshots are root-only too; status is not.
            await servers.SameAsync(["endpoint", "hash"]);
            await servers.SameAsync(["--user", "plain:plainpw", "endpoint", "hash"]);
            // snapshot save logs with raw timestamps; its verdict is the last line.
            var target = Path.Combine(Path.GetTempPath(), "fastkv-denied-" + Guid.NewGuid().ToString("N") + ".db");
            var deniedHere = await Etcdctl.RunAsync(servers.FastKv.Endpoint, "--user", "plain:plainpw", "snapshot", "save", target);
            var deniedThere = await Etcdctl.RunAsync(servers.Etcd.Endpoint, "--user", "plain:plainpw", "snapshot", "save", target);
            Assert.NotEqual(0, deniedHere.ExitCode);
            Assert.Equal(deniedThere.Stderr.TrimEnd().Split('\n')[^1], deniedHere.Stderr.TrimEnd().Split('\n')[^1]);
            Assert.False(File.Exists(target));
            Assert.Equal(0, (await Etcdctl.RunAsync(servers.FastKv.Endpoint, "--user", "plain:plainpw", "endpoint", "status")).ExitCode);
            var root = await servers.SameAsync(["--user", "root:rootpw", "defrag"]);
            Assert.Equal(0, root.FastKv.ExitCode);
            // Leadership transfer is not root-only in etcd 3.4.
            await servers.SameAsync(["--user", "plain:plainpw", "move-leader", self]);
        }
        finally
        {
            await servers.SameAsync(["--user", "root:rootpw", "auth", "disable"]);
            await servers.SameAsync(["user", "delete", "plain"]);
            await servers.SameAsync(["user", "delete", "root"]);
            await servers.SameAsync(["role", "delete", "root"]);
        }
    }

    [Fact]
    public async Task Quota_runbook_with_defrag_gets_the_space_back()
    {
        using var dir = new TempDir();
        using var server = await MemberProcess.StartFastKvAsync(dir.Sub("data"), extra: ["--quota-backend-bytes", "400000"]);
        var value = new string('x', 4000);
        EtcdctlResult put = default;
        for (var i = 0; i < 400; i++)
        {
            put = await Etcdctl.RunAsync(server.Endpoint, "put", $"/fill/{i:D4}", value);
            if (put.ExitCode != 0) break;
        }
        Assert.Contains("etcdserver: mvcc: database space exceeded", put.Stderr);
        // The alarm is raised through Raft just after the refusal.
        var alarms = "";
        for (var deadline = DateTime.UtcNow.AddSeconds(10); !alarms.Contains("alarm:NOSPACE") && DateTime.UtcNow < deadline; await Task.Delay(100))
            alarms = (await Etcdctl.RunAsync(server.Endpoint, "alarm", "list")).Stdout;
        Assert.Contains("alarm:NOSPACE", alarms);
        var full = await StatusAsync(server.Endpoint);

        Assert.Equal(0, (await Etcdctl.RunAsync(server.Endpoint, "del", "/fill/", "--prefix")).ExitCode);
        var revision = (await StatusAsync(server.Endpoint)).Revision;
        var compact = await Etcdctl.RunAsync(server.Endpoint, "compact", revision.ToString(), "--physical");
        Assert.Equal($"compacted revision {revision}\n", compact.Stdout);
        var defrag = await Etcdctl.RunAsync(server.Endpoint, "defrag");
        Assert.Equal($"Finished defragmenting etcd member[{server.Endpoint}]\n", defrag.Stdout);
        // The member logs it as etcd does, with what it gave back.
        Assert.Contains("\"msg\":\"starting defragment\"", server.Log);
        Assert.Contains("\"msg\":\"defragmented\"", server.Log);
        Assert.Contains("\"current-db-size-bytes-diff\":-", server.Log);
        Assert.Contains("\"msg\":\"finished defragment\"", server.Log);
        var after = await StatusAsync(server.Endpoint);
        output.WriteLine($"db size {full.DbSize} -> {after.DbSize}");
        Assert.True(after.DbSize < full.DbSize / 4, $"db size {full.DbSize} -> {after.DbSize}");

        Assert.Equal(0, (await Etcdctl.RunAsync(server.Endpoint, "alarm", "disarm")).ExitCode);
        var small = await Etcdctl.RunAsync(server.Endpoint, "put", "/after", "ok");
        Assert.Equal("OK\n", small.Stdout);
        Assert.Equal("", (await Etcdctl.RunAsync(server.Endpoint, "alarm", "list")).Stdout);
    }

    [Fact]
    public async Task Reads_and_writes_keep_flowing_while_a_200k_key_database_is_defragmented()
    {
        using var dir = new TempDir();
        using var server = await MemberProcess.StartFastKvAsync(dir.Sub("data"));
        using var client = new GrpcClient(new Uri("http://" + server.Endpoint));
        const int Keys = 200_000, PerTxn = 128;
        var value = ByteString.CopyFrom(new byte[512]);
        var load = Stopwatch.StartNew();
        int batch = -1;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            for (int b = Interlocked.Increment(ref batch); b * PerTxn < Keys; b = Interlocked.Increment(ref batch))
            {
                var txn = new TxnRequest();
                for (int i = b * PerTxn; i < Math.Min(Keys, (b + 1) * PerTxn); i++)
                    txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = Key(i), Value = value } });
                await client.UnaryAsync("/etcdserverpb.KV/Txn", txn, TxnResponse.Parser);
            }
        }));
        // A quarter of the keys deleted and compacted away: the space defrag gives back.
        await client.UnaryAsync("/etcdserverpb.KV/DeleteRange", new DeleteRangeRequest { Key = Key(0), RangeEnd = Key(Keys / 4) }, DeleteRangeResponse.Parser);
        var rev = (await client.UnaryAsync("/etcdserverpb.Maintenance/Status", new StatusRequest(), StatusResponse.Parser)).Header.Revision;
        await client.UnaryAsync("/etcdserverpb.KV/Compact", new CompactionRequest { Revision = rev, Physical = true }, CompactionResponse.Parser,
            new CallOptions { Timeout = TimeSpan.FromSeconds(60) });
        var before = await client.UnaryAsync("/etcdserverpb.Maintenance/Status", new StatusRequest(), StatusResponse.Parser);
        output.WriteLine($"loaded {Keys} keys, deleted {Keys / 4}, compacted in {load.Elapsed.TotalSeconds:F1} s; db {before.DbSize} bytes");

        // Probes: serializable and linearizable point reads and single puts, one at a time each.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var defragRunning = 0;
        using var warm = new CountdownEvent(4);
        var serializable = Probe(stop.Token, () => defragRunning, async i =>
            await client.UnaryAsync("/etcdserverpb.KV/Range", new RangeRequest { Key = Key(Keys / 2 + i % (Keys / 2)), Serializable = true }, RangeResponse.Parser), warm);
        var linearizable = Probe(stop.Token, () => defragRunning, async i =>
            await client.UnaryAsync("/etcdserverpb.KV/Range", new RangeRequest { Key = Key(Keys / 2 + i * 7 % (Keys / 2)) }, RangeResponse.Parser), warm);
        var writes = Probe(stop.Token, () => defragRunning, async i =>
            await client.UnaryAsync("/etcdserverpb.KV/Put", new PutRequest { Key = Key(Keys / 2 + i * 13 % (Keys / 2)), Value = value }, PutResponse.Parser), warm);
        // The control touches no data (GET /version): it shows what the machine and the process
        // cost every request at the time (other test assemblies share the two cores, GC pauses),
        // so the bounds below are on what a probe waited beyond the control.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var control = Probe(stop.Token, () => defragRunning, async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{server.Endpoint}/version");
            request.Headers.ConnectionClose = true;
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
        }, warm);
        while (!warm.IsSet && !stop.IsCancellationRequested) await Task.Delay(50);
        await Task.Delay(300);

        var clock = Stopwatch.StartNew();
        Volatile.Write(ref defragRunning, 1);
        await client.UnaryAsync("/etcdserverpb.Maintenance/Defragment", new DefragmentRequest(), DefragmentResponse.Parser,
            new CallOptions { Timeout = TimeSpan.FromSeconds(60) });
        Volatile.Write(ref defragRunning, 0);
        var defragTook = clock.Elapsed;
        await stop.CancelAsync();
        var serial = await serializable;
        var linear = await linearizable;
        var write = await writes;
        var idle = await control;
        var after = await client.UnaryAsync("/etcdserverpb.Maintenance/Status", new StatusRequest(), StatusResponse.Parser);

        output.WriteLine($"defrag {defragTook.TotalMilliseconds:F0} ms, db {before.DbSize} -> {after.DbSize} bytes");
        output.WriteLine($"during defrag: serializable reads {serial.Count}, max {serial.Max.TotalMilliseconds:F1} ms (before {serial.Baseline.TotalMilliseconds:F1} ms); " +
                         $"linearizable reads {linear.Count}, max {linear.Max.TotalMilliseconds:F1} ms (before {linear.Baseline.TotalMilliseconds:F1} ms); " +
                         $"puts {write.Count}, max {write.Max.TotalMilliseconds:F1} ms (before {write.Baseline.TotalMilliseconds:F1} ms); " +
                         $"control {idle.Count}, max {idle.Max.TotalMilliseconds:F1} ms");
        Assert.True(after.DbSize < before.DbSize, $"db size {before.DbSize} -> {after.DbSize}");
        Assert.True(serial.Count > 0 && linear.Count > 0 && write.Count > 0 && idle.Count > 0, "a probe never ran during the defrag");
        var serialWait = serial.Max - idle.Max;
        Assert.True(serialWait < TimeSpan.FromMilliseconds(200), $"serializable read took {serial.Max.TotalMilliseconds:F0} ms during defrag (control {idle.Max.TotalMilliseconds:F0} ms)");
        // A linearizable read waits for the Raft loop, as a put does, so it shares the put's bound.
        Assert.True(linear.Max - idle.Max < TimeSpan.FromMilliseconds(500), $"linearizable read took {linear.Max.TotalMilliseconds:F0} ms during defrag (control {idle.Max.TotalMilliseconds:F0} ms)");
        Assert.True(write.Max - idle.Max < TimeSpan.FromMilliseconds(500), $"put took {write.Max.TotalMilliseconds:F0} ms during defrag (control {idle.Max.TotalMilliseconds:F0} ms)");
        // The copy is real work (etcd blocks every request for all of it), many times the worst read's wait.
        Assert.True(defragTook > 5 * serialWait && defragTook > TimeSpan.FromMilliseconds(200), $"defrag took only {defragTook.TotalMilliseconds:F0} ms: nothing to prove");

        // Everything is still there, on the new file.
        var count = await client.UnaryAsync("/etcdserverpb.KV/Range", new RangeRequest { Key = Key(0), RangeEnd = Key(Keys), CountOnly = true }, RangeResponse.Parser);
        Assert.Equal(Keys - Keys / 4, count.Count);
    }

    [Fact]
    public async Task Kill_9_during_defrag_leaves_a_database_with_every_acknowledged_write()
    {
        using var dir = new TempDir();
        var dataDir = dir.Sub("data");
        var temp = Path.Combine(dataDir, "member", "snap", "db.defrag");
        const int Keys = 30_000;
        var value = ByteString.CopyFrom(new byte[1024]);
        var acked = new List<int>();
        TimeSpan took;
        var server = await MemberProcess.StartFastKvAsync(dataDir);
        try
        {
            using (var client = new GrpcClient(new Uri("http://" + server.Endpoint)))
            {
                for (int b = 0; b * 100 < Keys; b++)
                {
                    var txn = new TxnRequest();
                    for (int i = b * 100; i < (b + 1) * 100; i++)
                        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = Key(i), Value = value } });
                    await client.UnaryAsync("/etcdserverpb.KV/Txn", txn, TxnResponse.Parser);
                }
                await client.UnaryAsync("/etcdserverpb.KV/DeleteRange", new DeleteRangeRequest { Key = Key(0), RangeEnd = Key(Keys / 2) }, DeleteRangeResponse.Parser);
                // The second run is the one to time: the first also pays for JIT and a cold cache.
                await client.UnaryAsync("/etcdserverpb.Maintenance/Defragment", new DefragmentRequest(), DefragmentResponse.Parser);
                var clock = Stopwatch.StartNew();
                await client.UnaryAsync("/etcdserverpb.Maintenance/Defragment", new DefragmentRequest(), DefragmentResponse.Parser);
                took = clock.Elapsed;
            }
            output.WriteLine($"a full defrag took {took.TotalMilliseconds:F0} ms");

            // Kill inside the copy (built as db.defrag.compacting), then once the copy is done and
            // catching up (renamed db.defrag, until it is renamed over db), with puts going on.
            int leftovers = 0, next = 0;
            foreach (var (building, delay) in new[] { (temp + ".compacting", took * 0.3), (temp, TimeSpan.Zero) })
            {
                using (var client = new GrpcClient(new Uri("http://" + server.Endpoint)))
                {
                    using var stop = new CancellationTokenSource();
                    var writer = Task.Run(async () =>
                    {
                        while (!stop.IsCancellationRequested)
                        {
                            int i = next++;
                            try
                            {
                                await client.UnaryAsync("/etcdserverpb.KV/Put", new PutRequest { Key = ByteString.CopyFromUtf8($"/during/{i:D6}"), Value = value }, PutResponse.Parser);
                                lock (acked) acked.Add(i);
                            }
                            catch (Exception e) when (e is FastKv.Grpc.RpcException or HttpRequestException or IOException or OperationCanceledException)
                            {
                                return; // the server is gone
                            }
                        }
                    });
                    await Task.Delay(100);
                    var defrag = client.UnaryAsync("/etcdserverpb.Maintenance/Defragment", new DefragmentRequest(), DefragmentResponse.Parser);
                    for (var until = DateTime.UtcNow.AddSeconds(10); !File.Exists(building) && DateTime.UtcNow < until;) await Task.Delay(1);
                    await Task.Delay(delay);
                    server.Kill();
                    // The copy is built as db.defrag.compacting, then renamed db.defrag for the catch-up.
                    if (File.Exists(temp) || File.Exists(temp + ".compacting")) leftovers++;
                    await stop.CancelAsync();
                    await writer;
                    // Cut off, or finished just before the kill: either way the restart must find every write.
                    await defrag.ContinueWith(_ => { }, TaskScheduler.Default);
                }
                server.Dispose();
                server = await MemberProcess.StartFastKvAsync(dataDir);
                Assert.False(File.Exists(temp) || File.Exists(temp + ".compacting"), "the half-built copy outlived a restart");
                using var check = new GrpcClient(new Uri("http://" + server.Endpoint));
                var loaded = await check.UnaryAsync("/etcdserverpb.KV/Range", new RangeRequest { Key = Key(0), RangeEnd = Key(Keys), CountOnly = true }, RangeResponse.Parser);
                Assert.Equal(Keys / 2, loaded.Count);
                var during = await check.UnaryAsync("/etcdserverpb.KV/Range", new RangeRequest { Key = ByteString.CopyFromUtf8("/during/"), RangeEnd = ByteString.CopyFromUtf8("/during0"), KeysOnly = true }, RangeResponse.Parser);
                var present = during.Kvs.Select(kv => int.Parse(kv.Key.ToStringUtf8()["/during/".Length..])).ToHashSet();
                lock (acked) Assert.All(acked, i => Assert.Contains(i, present));
            }
            output.WriteLine($"{acked.Count} puts acknowledged; {leftovers} of 2 kills found a half-built copy");
            Assert.True(leftovers > 0, "no kill landed inside a defrag");

            using var final = new GrpcClient(new Uri("http://" + server.Endpoint));
            await final.UnaryAsync("/etcdserverpb.Maintenance/Defragment", new DefragmentRequest(), DefragmentResponse.Parser);
            var count = await final.UnaryAsync("/etcdserverpb.KV/Range", new RangeRequest { Key = Key(0), RangeEnd = Key(Keys), CountOnly = true }, RangeResponse.Parser);
            Assert.Equal(Keys / 2, count.Count);
        }
        finally
        {
            server.Dispose();
        }
    }

    // Runs one request after another until stopped; the longest latency of the requests that
    // overlapped the defrag, how many did, and the longest before it started.
    private static Task<(TimeSpan Max, int Count, TimeSpan Baseline)> Probe(CancellationToken stop, Func<int> defragRunning, Func<int, Task> request, CountdownEvent warm) =>
        Task.Run(async () =>
        {
            TimeSpan max = default, baseline = default;
            int count = 0;
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                bool during = defragRunning() == 1;
                var t = Stopwatch.StartNew();
                await request(i);
                var took = t.Elapsed;
                during |= defragRunning() == 1;
                if (during)
                {
                    count++;
                    if (took > max) max = took;
                }
                else if (count == 0 && i >= Warmup && took > baseline) baseline = took;
                if (i == Warmup) warm.Signal();
            }
            return (max, count, baseline);
        });

    // Requests each probe makes before the defrag starts: the first ones pay for connections and JIT.
    private const int Warmup = 20;

    private static ByteString Key(int i) => ByteString.CopyFromUtf8($"/load/{i:D6}");

    private static async Task<(long DbSize, long Revision)> StatusAsync(string endpoint)
    {
        var json = (await Etcdctl.RunAsync(endpoint, "endpoint", "status", "-w", "json")).Stdout;
        return (long.Parse(DbSizeJson().Match(json).Groups[1].Value), long.Parse(RevisionJson().Match(json).Groups[1].Value));
    }

    [GeneratedRegex("\"member_id\":([0-9]+)")]
    private static partial Regex MemberIdJson();

    [GeneratedRegex("\"dbSize\":([0-9]+)")]
    private static partial Regex DbSizeJson();

    [GeneratedRegex("\"revision\":([0-9]+)")]
    private static partial Regex RevisionJson();
}

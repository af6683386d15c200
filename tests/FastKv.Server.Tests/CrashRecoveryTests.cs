// Every write etcdctl saw acknowledged is there after the server is killed with SIGKILL in
// the middle of a write load and started again on the same data dir.
using System.Collections.Concurrent;
using FastKv.Server.Tests.Support;

namespace FastKv.Server.Tests;

public sealed class CrashRecoveryTests
{
    [Fact]
    public async Task Kill_9_during_writes_loses_no_acknowledged_write()
    {
        Assert.True(Etcdctl.Available, "etcdctl is missing: apt-get install etcd-client");
        using var dir = new TempDir();
        var dataDir = dir.Sub("data");
        // A small snapshot count so the run also crosses snapshot and WAL-release points.
        string[] flags = ["--snapshot-count", "50"];
        var acked = new ConcurrentDictionary<string, string>();
        using (var server = await MemberProcess.StartFastKvAsync(dataDir, extra: flags))
        {
            using var stopWriting = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
            {
                for (var i = 0; i < 10_000 && !stopWriting.IsCancellationRequested; i++)
                {
                    var key = $"/crash/{w}/{i:D5}";
                    var value = $"value-{w}-{i}";
                    var r = await Etcdctl.RunAsync(server.Endpoint, ["put", key, value], null, TimeSpan.FromSeconds(15));
                    if (r.ExitCode == 0 && r.Stdout.Trim() == "OK") acked[key] = value;
                }
            })).ToArray();
            await Task.Delay(TimeSpan.FromSeconds(4));
            server.Kill();
            stopWriting.Cancel();
            await Task.WhenAll(writers);
        }
        Assert.True(acked.Count > 20, $"only {acked.Count} writes were acknowledged before the kill");

        using var restarted = await MemberProcess.StartFastKvAsync(dataDir, extra: flags);
        var all = await Etcdctl.RunAsync(restarted.Endpoint, ["get", "/crash/", "--prefix"], null, TimeSpan.FromSeconds(30));
        Assert.Equal(0, all.ExitCode);
        var lines = all.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var stored = new Dictionary<string, string>();
        for (var i = 0; i + 1 < lines.Length; i += 2)
            stored[lines[i]] = lines[i + 1];
        foreach (var (key, value) in acked)
        {
            Assert.True(stored.TryGetValue(key, out var got), $"acknowledged {key} is missing after restart ({acked.Count} acknowledged, {stored.Count} stored)");
            Assert.Equal(value, got);
        }
    }
}

// `etcdctl snapshot save` against FastKv writes a bbolt file plus its SHA-256 that the real
// etcdctl reads (`snapshot status`) and restores (`snapshot restore`, which checks the digest)
// into a data dir the real etcd 3.4 serves the saved keys from.
using System.Text.Json;
using FastKv.Server.Tests.Support;

namespace FastKv.Server.Tests;

public sealed class SnapshotTests
{
    [Fact]
    public async Task A_snapshot_saved_from_fastkv_restores_into_a_real_etcd()
    {
        Assert.True(Etcdctl.Available && MemberProcess.EtcdAvailable, "etcd-client and etcd-server are needed (.ci/run installs them)");
        using var dir = new TempDir();
        var file = dir.Sub("snap.db");
        long revision;
        using (var server = await MemberProcess.StartFastKvAsync(dir.Sub("fastkv")))
        {
            for (var i = 0; i < 50; i++)
                Assert.Equal(0, (await Etcdctl.RunAsync(server.Endpoint, "put", $"/snap/{i:D2}", $"value-{i}")).ExitCode);
            // The last write is still in the open batch: the snapshot must include it.
            var save = await Etcdctl.RunAsync(server.Endpoint, "snapshot", "save", file);
            Assert.True(save.ExitCode == 0, save.Output);
            Assert.Contains("Snapshot saved at " + file, save.Output);
            var status = JsonDocument.Parse((await Etcdctl.RunAsync(server.Endpoint, "endpoint", "status", "-w", "json")).Stdout);
            revision = status.RootElement[0].GetProperty("Status").GetProperty("header").GetProperty("revision").GetInt64();
        }

        var info = await Etcdctl.RunAsync("127.0.0.1:1", "snapshot", "status", file, "-w", "json");
        Assert.True(info.ExitCode == 0, info.Output);
        var json = JsonDocument.Parse(info.Stdout).RootElement;
        Assert.Equal(revision, json.GetProperty("revision").GetInt64());

        var restored = dir.Sub("restored");
        var restore = await Etcdctl.RunAsync("127.0.0.1:1", ["snapshot", "restore", file, "--data-dir", restored,
            "--name", "default", "--initial-cluster", "default=http://127.0.0.1:2380", "--initial-advertise-peer-urls", "http://127.0.0.1:2380"]);
        Assert.True(restore.ExitCode == 0, restore.Output);

        using var etcd = await MemberProcess.StartEtcdAsync(restored);
        var get = await Etcdctl.RunAsync(etcd.Endpoint, "get", "/snap/", "--prefix", "--keys-only");
        Assert.Equal(50, get.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var last = await Etcdctl.RunAsync(etcd.Endpoint, "get", "/snap/49", "--print-value-only");
        Assert.Equal("value-49\n", last.Stdout);
    }
}

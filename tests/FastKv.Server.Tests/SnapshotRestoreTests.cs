// `fastkvutl snapshot status` and `snapshot restore` against the real etcdctl: the same status
// bytes for the same file, the same refusals, and restored data dirs FastKv serves every key from
// with its revisions, whether the snapshot came from etcd 3.4 or from FastKv, and whether the real
// etcdctl or fastkvutl restored it.
using System.Text.Json;
using FastKv.Server.Member;
using FastKv.Server.Tests.Support;

namespace FastKv.Server.Tests;

public sealed class SnapshotRestoreTests
{
    private static string Fixture(string name) => Path.Combine(RepositoryPaths.Fixtures(), name);

    private static readonly string[] NewCluster =
        ["--name", "default", "--initial-cluster", "default=http://127.0.0.1:2380", "--initial-advertise-peer-urls", "http://127.0.0.1:2380"];

    [Theory]
    [InlineData("simple")]
    [InlineData("table")]
    [InlineData("json")]
    [InlineData("fields")]
    public async Task Status_prints_what_etcdctl_prints_for_the_etcd_snapshot(string format)
    {
        Assert.True(Etcdctl.Available, "etcd-client is needed (.ci/run installs it)");
        var file = Fixture("etcd-3.4-snapshot.db");
        var ours = await Fastkvutl.RunAsync("snapshot", "status", file, "-w", format);
        var theirs = await Etcdctl.RunAsync("127.0.0.1:1", "snapshot", "status", file, "-w", format);
        Assert.Equal(0, theirs.ExitCode);
        Assert.True(ours.ExitCode == 0, ours.Output);
        Assert.Equal(theirs.Stdout, ours.Stdout);
    }

    [Fact]
    public async Task Status_refuses_what_etcdctl_refuses()
    {
        using var dir = new TempDir();
        var notBolt = dir.Sub("not-bolt.db");
        await File.WriteAllTextAsync(notBolt, "this is not a page file, just text long enough to have no meta page at all");
        foreach (var args in new[]
                 {
                     new[] { "snapshot", "status", dir.Sub("missing.db") },
                     new[] { "snapshot", "status", notBolt },
                     new[] { "snapshot", "status", Fixture("etcd-3.4-snapshot.db"), "-w", "protobuf" },
                 })
        {
            var ours = await Fastkvutl.RunAsync(args);
            var theirs = await Etcdctl.RunAsync("127.0.0.1:1", args);
            Assert.NotEqual(0, theirs.ExitCode);
            Assert.Equal(1, ours.ExitCode);
            Assert.Equal(ErrorLine(theirs.Stderr), ErrorLine(ours.Stderr));
        }
        // Damage etcdctl panics on is reported with the page and the rule.
        var damaged = await Fastkvutl.RunAsync("snapshot", "status", Fixture("corrupt/branch-double-reference.db"));
        Assert.Equal(1, damaged.ExitCode);
        Assert.Contains("snapshot file integrity check failed", damaged.Stderr);
        Assert.Contains("multiple-references", damaged.Stderr);
    }

    [Fact]
    public async Task Restore_refuses_with_etcdctls_errors_and_leaves_nothing_behind()
    {
        Assert.True(Etcdctl.Available, "etcd-client is needed (.ci/run installs it)");
        using var dir = new TempDir();
        var good = Fixture("etcd-3.4-snapshot.db");
        var bytes = await File.ReadAllBytesAsync(good);
        var noHash = dir.Sub("no-hash.db");
        await File.WriteAllBytesAsync(noHash, bytes[..^32]);
        var changed = dir.Sub("changed.db");
        var flipped = (byte[])bytes.Clone();
        flipped[5000] ^= 0x5A;
        await File.WriteAllBytesAsync(changed, flipped);
        var existing = dir.Sub("existing");
        Directory.CreateDirectory(existing);

        // Each tool gets its own target dirs: etcdctl leaves half-written ones behind.
        var cases = new (string Name, Func<string, string[]> Args)[]
        {
            ("exists", _ => ["snapshot", "restore", good, "--data-dir", existing]),
            ("wal-exists", who => ["snapshot", "restore", good, "--data-dir", dir.Sub(who + "-wal"), "--wal-dir", existing]),
            ("no-hash", who => ["snapshot", "restore", noHash, "--data-dir", dir.Sub(who + "-nohash")]),
            ("changed", who => ["snapshot", "restore", changed, "--data-dir", dir.Sub(who + "-changed")]),
            ("missing", who => ["snapshot", "restore", dir.Sub("missing.db"), "--data-dir", dir.Sub(who + "-missing")]),
            ("name", who => ["snapshot", "restore", good, "--data-dir", dir.Sub(who + "-name"), "--name", "other"]),
            ("advertise", who => ["snapshot", "restore", good, "--data-dir", dir.Sub(who + "-adv"), "--initial-cluster", "default=http://127.0.0.1:2380"]),
            ("duplicate", who => ["snapshot", "restore", good, "--data-dir", dir.Sub(who + "-dup"), "--initial-cluster", "default=http://localhost:2380,b=http://localhost:2380"]),
            ("scheme", who => ["snapshot", "restore", good, "--data-dir", dir.Sub(who + "-scheme"), "--initial-cluster", "default=localhost:2380"]),
        };
        foreach (var (name, args) in cases)
        {
            var theirs = await Etcdctl.RunAsync("127.0.0.1:1", args("theirs"));
            var ours = await Fastkvutl.RunAsync(args("ours"));
            Assert.True(theirs.ExitCode != 0, $"{name}: etcdctl accepted it");
            Assert.True(ours.ExitCode == 1, $"{name}: exit {ours.ExitCode}\n{ours.Output}");
            Assert.Equal(ErrorLine(theirs.Stderr), ErrorLine(ours.Stderr));
        }
        // fastkvutl removes what it created when a restore fails.
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path, "ours-*"));
        Assert.True(Directory.Exists(dir.Sub("theirs-changed")), "the comparison did not reach the digest check");
    }

    [Fact]
    public async Task The_restored_page_file_names_only_the_new_members_and_the_new_log_position()
    {
        using var dir = new TempDir();
        // A page file as etcd 3.5 leaves it (with the consistent index's term), copied from a data
        // dir without the digest trailer, so --skip-hash-check is needed.
        var source = dir.Sub("member-db");
        var bytes = await File.ReadAllBytesAsync(Fixture("etcd-3.4-snapshot.db"));
        await File.WriteAllBytesAsync(source, bytes[..^32]);
        using (var db = FastKv.Bolt.BoltDb.Open(source))
            db.Update(tx => tx.GetBucket("meta"u8)!.Put("term"u8, [0, 0, 0, 0, 0, 0, 0, 9]));

        var refused = await Fastkvutl.RunAsync("snapshot", "restore", source, "--data-dir", dir.Sub("refused"));
        Assert.Contains("Error: snapshot missing hash but --skip-hash-check=false", refused.Stderr);
        var data = dir.Sub("restored");
        var restore = await Fastkvutl.RunAsync(["snapshot", "restore", source, "--skip-hash-check", "--data-dir", data,
            "--name", "b", "--initial-cluster", "a=http://127.0.0.1:2380,b=http://127.0.0.1:2381", "--initial-advertise-peer-urls", "http://127.0.0.1:2381"]);
        Assert.True(restore.ExitCode == 0, restore.Output);

        using var restored = FastKv.Bolt.BoltDb.Open(Path.Combine(data, "member", "snap", "db"), new FastKv.Bolt.BoltOptions { ReadOnly = true });
        using var read = restored.BeginRead();
        var members = new List<string>();
        read.GetBucket("members"u8)!.ForEach((k, _) => members.Add(System.Text.Encoding.ASCII.GetString(k)));
        var expected = new[] { "http://127.0.0.1:2380", "http://127.0.0.1:2381" }
            .Select(u => MemberIds.ToHex(MemberIds.ForMember([u], "etcd-cluster"))).Order(StringComparer.Ordinal);
        Assert.Equal(expected, members.Order(StringComparer.Ordinal));
        var removed = 0;
        read.GetBucket("members_removed"u8)?.ForEach((_, _) => removed++);
        Assert.Equal(0, removed);
        var meta = read.GetBucket("meta"u8)!;
        // Two members: their two ConfChange entries precede the snapshot at index 2, term 1.
        Assert.True(meta.TryGet("consistent_index"u8, out var index));
        Assert.Equal(2UL, System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(index));
        Assert.True(meta.TryGet("term"u8, out var term));
        Assert.Equal(1UL, System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(term));
        Assert.Equal("0000000000000001-0000000000000002.snap",
            Path.GetFileName(Directory.GetFiles(Path.Combine(data, "member", "snap"), "*.snap").Single()));
    }

    [Fact]
    public async Task An_etcd_snapshot_restored_by_fastkvutl_serves_every_key_with_its_revisions()
    {
        using var dir = new TempDir();
        var data = dir.Sub("restored");
        var restore = await Fastkvutl.RunAsync(["snapshot", "restore", Fixture("etcd-3.4-snapshot.db"), "--data-dir", data, .. NewCluster]);
        Assert.True(restore.ExitCode == 0, restore.Output);
        Assert.Contains("\"msg\":\"restored snapshot\"", restore.Stderr);
        Assert.True(File.Exists(Path.Combine(data, "member", "snap", "db")));

        using var server = await MemberProcess.StartFastKvAsync(data);
        await AssertServesFixtureKeysAsync(server.Endpoint);
        // The old cluster's members are gone: only the restored member is listed.
        var members = await Etcdctl.RunAsync(server.Endpoint, "member", "list");
        Assert.Single(members.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("default, http://127.0.0.1:2380", members.Stdout);
        // New writes continue from the snapshot's revision, and history before the compaction stays compacted.
        var put = await Etcdctl.RunAsync(server.Endpoint, "put", "/after-restore", "x", "-w", "json");
        Assert.Equal(216, JsonDocument.Parse(put.Stdout).RootElement.GetProperty("header").GetProperty("revision").GetInt64());
        var old = await Etcdctl.RunAsync(server.Endpoint, "get", "/k", "--rev=2");
        Assert.Contains("required revision has been compacted", old.Stderr);
    }

    [Fact]
    public async Task A_fastkvutl_restore_also_starts_the_real_etcd()
    {
        Assert.True(Etcdctl.Available && MemberProcess.EtcdAvailable, "etcd-client and etcd-server are needed (.ci/run installs them)");
        using var dir = new TempDir();
        var data = dir.Sub("restored");
        var restore = await Fastkvutl.RunAsync(["snapshot", "restore", Fixture("etcd-3.4-snapshot.db"), "--data-dir", data, .. NewCluster]);
        Assert.True(restore.ExitCode == 0, restore.Output);
        using var etcd = await MemberProcess.StartEtcdAsync(data);
        await AssertServesFixtureKeysAsync(etcd.Endpoint);
        var members = await Etcdctl.RunAsync(etcd.Endpoint, "member", "list");
        Assert.Single(members.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task The_snap_file_of_a_restored_three_member_cluster_is_the_one_etcdctl_writes()
    {
        Assert.True(Etcdctl.Available, "etcd-client is needed (.ci/run installs it)");
        using var dir = new TempDir();
        string[] cluster = ["--name", "b", "--initial-cluster", "a=http://127.0.0.1:2380,b=http://127.0.0.1:2381,c=http://127.0.0.1:2382",
            "--initial-advertise-peer-urls", "http://127.0.0.1:2381", "--initial-cluster-token", "three"];
        var theirs = await Etcdctl.RunAsync("127.0.0.1:1", ["snapshot", "restore", Fixture("etcd-3.4-snapshot.db"), "--data-dir", dir.Sub("theirs"), .. cluster]);
        var ours = await Fastkvutl.RunAsync(["snapshot", "restore", Fixture("etcd-3.4-snapshot.db"), "--data-dir", dir.Sub("ours"), .. cluster]);
        Assert.True(theirs.ExitCode == 0, theirs.Output);
        Assert.True(ours.ExitCode == 0, ours.Output);
        var theirSnap = Directory.GetFiles(Path.Combine(dir.Sub("theirs"), "member", "snap"), "*.snap").Single();
        var ourSnap = Directory.GetFiles(Path.Combine(dir.Sub("ours"), "member", "snap"), "*.snap").Single();
        Assert.Equal(Path.GetFileName(theirSnap), Path.GetFileName(ourSnap));
        Assert.Equal(await File.ReadAllBytesAsync(theirSnap), await File.ReadAllBytesAsync(ourSnap));
    }

    [Fact]
    public async Task The_real_etcdctl_restore_of_an_etcd_snapshot_starts_fastkv()
    {
        Assert.True(Etcdctl.Available, "etcd-client is needed (.ci/run installs it)");
        using var dir = new TempDir();
        var data = dir.Sub("restored");
        var restore = await Etcdctl.RunAsync("127.0.0.1:1", ["snapshot", "restore", Fixture("etcd-3.4-snapshot.db"), "--data-dir", data, .. NewCluster]);
        Assert.True(restore.ExitCode == 0, restore.Output);
        using var server = await MemberProcess.StartFastKvAsync(data);
        await AssertServesFixtureKeysAsync(server.Endpoint);
        // etcdctl leaves the old cluster's members in the page file; only the restored one is a member.
        var members = await Etcdctl.RunAsync(server.Endpoint, "member", "list");
        Assert.Single(members.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("default, http://127.0.0.1:2380", members.Stdout);
    }

    [Fact]
    public async Task A_snapshot_saved_from_fastkv_restores_with_fastkvutl_into_a_new_cluster()
    {
        Assert.True(Etcdctl.Available, "etcd-client is needed (.ci/run installs it)");
        using var dir = new TempDir();
        var file = dir.Sub("saved.db");
        string before;
        using (var server = await MemberProcess.StartFastKvAsync(dir.Sub("source")))
        {
            for (var i = 0; i < 20; i++)
                Assert.Equal(0, (await Etcdctl.RunAsync(server.Endpoint, "put", $"/saved/{i:D2}", $"value-{i}")).ExitCode);
            Assert.Equal(0, (await Etcdctl.RunAsync(server.Endpoint, "del", "/saved/05")).ExitCode);
            before = KeysOnly((await Etcdctl.RunAsync(server.Endpoint, "get", "", "--prefix", "-w", "json")).Stdout);
            var save = await Etcdctl.RunAsync(server.Endpoint, "snapshot", "save", file);
            Assert.True(save.ExitCode == 0, save.Output);
        }
        var ours = await Fastkvutl.RunAsync("snapshot", "status", file, "-w", "json");
        var theirs = await Etcdctl.RunAsync("127.0.0.1:1", "snapshot", "status", file, "-w", "json");
        Assert.Equal(theirs.Stdout, ours.Stdout);

        // A different token gives a different member and cluster ID than the source's.
        var data = dir.Sub("restored");
        var restore = await Fastkvutl.RunAsync(["snapshot", "restore", file, "--data-dir", data, "--initial-cluster-token", "restored-cluster", .. NewCluster]);
        Assert.True(restore.ExitCode == 0, restore.Output);
        using var restored = await MemberProcess.StartFastKvAsync(data, extra: ["--initial-cluster-token", "restored-cluster"]);
        var after = KeysOnly((await Etcdctl.RunAsync(restored.Endpoint, "get", "", "--prefix", "-w", "json")).Stdout);
        Assert.Equal(before, after);
        var status = JsonDocument.Parse((await Etcdctl.RunAsync(restored.Endpoint, "endpoint", "status", "-w", "json")).Stdout).RootElement[0];
        var memberId = status.GetProperty("Status").GetProperty("header").GetProperty("member_id").GetUInt64();
        Assert.Equal(MemberIds.ForMember(["http://127.0.0.1:2380"], "restored-cluster"), memberId);
        Assert.NotEqual(MemberIds.ForMember(["http://127.0.0.1:2380"], "etcd-cluster"), memberId);
    }

    private static async Task AssertServesFixtureKeysAsync(string endpoint)
    {
        var got = await Etcdctl.RunAsync(endpoint, "get", "", "--prefix", "-w", "json");
        Assert.True(got.ExitCode == 0, got.Output);
        var expected = KeysOnly(await File.ReadAllTextAsync(Fixture("etcd-3.4-keys.json")));
        Assert.Equal(expected, KeysOnly(got.Stdout));
    }

    // The kvs array as text: keys, values, create/mod revisions, versions and leases, without the header.
    private static string KeysOnly(string getJson) =>
        JsonDocument.Parse(getJson).RootElement.GetProperty("kvs").GetRawText();

    private static string ErrorLine(string stderr) =>
        stderr.Split('\n').FirstOrDefault(l => l.StartsWith("Error: ", StringComparison.Ordinal)) ?? $"(no Error line in: {stderr})";
}

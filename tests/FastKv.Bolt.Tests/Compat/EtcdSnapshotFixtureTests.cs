// The snapshot that etcd 3.4.23's `etcdctl snapshot save` wrote (a bolt file plus a 32-byte
// SHA-256 trailer) opens in FastKv.Bolt, and its content matches what etcd reported.
using System.Buffers.Binary;
using System.Text.Json;

namespace FastKv.Bolt.Tests.Compat;

public class EtcdSnapshotFixtureTests
{
    private static readonly string Snapshot = Fixtures.Path("etcd-3.4-snapshot.db");

    [Fact]
    public void Every_bucket_of_etcds_layout_is_present()
    {
        using var db = BoltDb.Open(Snapshot, new BoltOptions { ReadOnly = true });
        var names = db.View(tx =>
        {
            var list = new List<string>();
            var c = tx.Cursor();
            for (bool ok = c.First(out var k, out _); ok; ok = c.Next(out k, out _))
            {
                Assert.True(c.IsBucket);
                list.Add(Bytes.Text(k));
            }
            return list;
        });
        Assert.Equal(new[] { "alarm", "auth", "authRoles", "authUsers", "cluster", "key", "lease", "members", "members_removed", "meta" }, names);
    }

    [Fact]
    public void The_key_bucket_holds_213_revisions_that_decode_and_match_etcds_listing()
    {
        using var db = BoltDb.Open(Snapshot, new BoltOptions { ReadOnly = true });
        var byMainRevision = new Dictionary<long, byte[]>();
        int count = 0;
        db.View(tx =>
        {
            var c = tx.GetBucket(Bytes.Of("key"))!.Cursor();
            long previous = -1;
            for (bool ok = c.First(out var k, out var v); ok; ok = c.Next(out k, out v))
            {
                count++;
                // main revision (8 bytes BE) '_' sub revision (8 bytes BE), plus 't' on a tombstone
                Assert.True(k.Length == 17 || (k.Length == 18 && k[17] == (byte)'t'), $"bad revision key length {k.Length}");
                Assert.Equal((byte)'_', k[8]);
                long main = BinaryPrimitives.ReadInt64BigEndian(k);
                Assert.True(main > previous || main == previous);
                Assert.InRange(main, 1, 215);
                previous = main;
                byMainRevision[main] = v.ToArray();
            }
        });
        Assert.Equal(213, count);

        using var listing = JsonDocument.Parse(File.ReadAllText(Fixtures.Path("etcd-3.4-keys.json")));
        foreach (var kv in listing.RootElement.GetProperty("kvs").EnumerateArray())
        {
            long mod = kv.GetProperty("mod_revision").GetInt64();
            byte[] key = Convert.FromBase64String(kv.GetProperty("key").GetString()!);
            byte[] value = kv.TryGetProperty("value", out var v) ? Convert.FromBase64String(v.GetString()!) : [];
            Assert.True(byMainRevision.TryGetValue(mod, out var stored), $"revision {mod} missing");
            // The stored value is an mvccpb.KeyValue: it carries the key and the value bytes.
            Assert.True(stored.AsSpan().IndexOf(key) >= 0, $"revision {mod} does not carry its key");
            Assert.True(value.Length == 0 || stored.AsSpan().IndexOf(value) >= 0, $"revision {mod} does not carry its value");
        }
    }

    [Fact]
    public void The_content_summary_matches_the_reference_bbolt()
    {
        var (code, output) = ReferenceBbolt.Invoke("check", Snapshot);
        Assert.True(code == 0, output);
        using var db = BoltDb.Open(Snapshot, new BoltOptions { ReadOnly = true });
        Assert.Equal(output, BboltCompatibilityTests.Summarize(db));
    }

    [Fact]
    public void A_writable_copy_accepts_writes_and_rebuilds_its_unpersisted_freelist()
    {
        using var dir = new TempDir();
        string copy = Fixtures.Copy("etcd-3.4-snapshot.db", dir);
        using (var db = BoltDb.Open(copy, new BoltOptions { NoFreelistSync = true }))
        {
            Assert.Equal(Format.Meta.NoFreelist, db.CurrentMeta.Freelist);
            db.Update(tx => tx.GetBucket(Bytes.Of("meta"))!.Put(Bytes.Of("fastkv"), Bytes.Of("was here")));
        }
        var (code, output) = ReferenceBbolt.Invoke("check", copy);
        Assert.True(code == 0, output);
        Assert.Contains("keys=221", output);
    }
}

// The key space opens a snapshot written by real etcd 3.4 and answers exactly what etcdctl
// answered against it (fixtures in /work/shared/fixtures, see their README).
using System.Text.Json;
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using Google.Protobuf;

namespace FastKv.Mvcc.Tests.Kv;

public sealed class FixtureCompatibilityTests
{
    private const string Fixtures = "/work/shared/fixtures";

    private static TempStore OpenFixture() => new(Path.Combine(Fixtures, "etcd-3.4-snapshot.db"), trimTail: 32);

    private static List<JsonElement> ExpectedKvs(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, file)));
        return doc.RootElement.GetProperty("kvs").EnumerateArray().Select(e => e.Clone()).ToList();
    }

    private static long Num(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.GetInt64() : 0;

    private static void AssertSame(JsonElement expected, FastKv.Api.Mvccpb.KeyValue actual)
    {
        Assert.Equal(expected.GetProperty("key").GetString(), actual.Key.ToBase64());
        Assert.Equal(expected.TryGetProperty("value", out var v) ? v.GetString() : "", actual.Value.ToBase64());
        Assert.Equal(Num(expected, "create_revision"), actual.CreateRevision);
        Assert.Equal(Num(expected, "mod_revision"), actual.ModRevision);
        Assert.Equal(Num(expected, "version"), actual.Version);
        Assert.Equal(Num(expected, "lease"), actual.Lease);
    }

    [Fact]
    public void Every_live_key_matches_etcdctl_get_prefix()
    {
        using var s = OpenFixture();
        var expected = ExpectedKvs("etcd-3.4-keys.json");
        var resp = s.Kv.Range(new RangeRequest { Key = ByteString.CopyFrom(0), RangeEnd = ByteString.CopyFrom(0) });
        Assert.Equal(215, resp.Header.Revision);
        Assert.Equal(expected.Count, (int)resp.Count);
        Assert.Equal(expected.Count, resp.Kvs.Count);
        for (int i = 0; i < expected.Count; i++) AssertSame(expected[i], resp.Kvs[i]);
    }

    [Fact]
    public void Historical_read_matches_etcdctl_get_at_revision_4()
    {
        using var s = OpenFixture();
        var expected = ExpectedKvs("etcd-3.4-k-at-rev4.json");
        var resp = s.Kv.Range(new RangeRequest { Key = ByteString.CopyFromUtf8("/k"), Revision = 4 });
        Assert.Equal(215, resp.Header.Revision);
        Assert.Equal(1, resp.Count);
        Assert.Single(resp.Kvs);
        AssertSame(expected[0], resp.Kvs[0]);
    }

    [Fact]
    public void Revisions_and_compaction_are_restored()
    {
        using var s = OpenFixture();
        Assert.Equal(215, s.Kv.CurrentRevision);
        Assert.Equal(3, s.Kv.CompactRevision);
        var atCompact = s.Kv.Range(new RangeRequest { Key = ByteString.CopyFromUtf8("/k"), Revision = 3 });
        Assert.Equal(2, atCompact.Kvs[0].Version);
        var ex = Assert.Throws<EtcdException>(() => s.Kv.Range(new RangeRequest { Key = ByteString.CopyFromUtf8("/k"), Revision = 2 }));
        Assert.Equal("etcdserver: mvcc: required revision has been compacted", ex.Message);
        Assert.Equal(StatusCode.OutOfRange, ex.Code);
        var future = Assert.Throws<EtcdException>(() => s.Kv.Range(new RangeRequest { Key = ByteString.CopyFromUtf8("/k"), Revision = 216 }));
        Assert.Equal("etcdserver: mvcc: required revision is a future revision", future.Message);
    }

    [Fact]
    public void Writes_continue_from_the_restored_revision_and_survive_reopen()
    {
        using var s = OpenFixture();
        var put = s.Kv.Put(new PutRequest { Key = ByteString.CopyFromUtf8("/k"), Value = ByteString.CopyFromUtf8("v6"), PrevKv = true });
        Assert.Equal(216, put.Header.Revision);
        Assert.Equal("v5", put.PrevKv.Value.ToStringUtf8());
        s.Reopen();
        var kv = s.Kv.Range(new RangeRequest { Key = ByteString.CopyFromUtf8("/k") }).Kvs[0];
        Assert.Equal((2L, 216L, 6L, "v6"), (kv.CreateRevision, kv.ModRevision, kv.Version, kv.Value.ToStringUtf8()));
        Assert.Equal(216, s.Kv.CurrentRevision);
        Assert.Equal(3, s.Kv.CompactRevision);
    }
}

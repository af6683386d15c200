// What the key space writes must be byte for byte etcd's layout, so snapshots move between
// etcd and FastKv: 17-byte revision keys (18 with 't' for a tombstone), serialized KeyValues,
// tombstones holding only the key, and 17-byte compaction revisions in `meta`.
using FastKv.Api.Etcdserverpb;
using FastKv.Api.Mvccpb;
using Google.Protobuf;

namespace FastKv.Mvcc.Tests.Kv;

public sealed class StorageLayoutTests
{
    [Fact]
    public void Key_and_meta_buckets_hold_etcds_layout()
    {
        using var s = new TempStore();
        s.Kv.Put(new PutRequest { Key = ByteString.CopyFromUtf8("a"), Value = ByteString.CopyFromUtf8("1") });
        var t = new TxnRequest();
        t.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = ByteString.CopyFromUtf8("b"), Value = ByteString.CopyFromUtf8("2") } });
        t.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = ByteString.CopyFromUtf8("a") } });
        s.Kv.Txn(t);
        s.Kv.Compact(2);
        s.Kv.FinishCompaction();

        using var tx = s.Backend.BeginRead();
        var rows = new List<(string Key, KeyValue Value)>();
        tx.GetBucket("key"u8)!.ForEach((k, v) => rows.Add((Convert.ToHexString(k), KeyValue.Parser.ParseFrom(v.ToArray()))));
        Assert.Equal(
        [
            "0000000000000002" + "5F" + "0000000000000000",
            "0000000000000003" + "5F" + "0000000000000000",
            "0000000000000003" + "5F" + "0000000000000001" + "74",
        ], rows.Select(r => r.Key));
        Assert.Equal(new KeyValue { Key = ByteString.CopyFromUtf8("a"), Value = ByteString.CopyFromUtf8("1"), CreateRevision = 2, ModRevision = 2, Version = 1 }, rows[0].Value);
        Assert.Equal(new KeyValue { Key = ByteString.CopyFromUtf8("b"), Value = ByteString.CopyFromUtf8("2"), CreateRevision = 3, ModRevision = 3, Version = 1 }, rows[1].Value);
        Assert.Equal(new KeyValue { Key = ByteString.CopyFromUtf8("a") }, rows[2].Value);

        var meta = tx.GetBucket("meta"u8)!;
        Assert.True(meta.TryGet("scheduledCompactRev"u8, out var scheduled));
        Assert.Equal("0000000000000002" + "5F" + "0000000000000000", Convert.ToHexString(scheduled));
        Assert.True(meta.TryGet("finishedCompactRev"u8, out var finished));
        Assert.Equal("0000000000000002" + "5F" + "0000000000000000", Convert.ToHexString(finished));
    }
}

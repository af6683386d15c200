// How much memory the in-memory index costs once rebuilt from the page file. etcd's treeIndex
// costs roughly 800 bytes per revision; the goal is at most half of that.
using FastKv.Api.Etcdserverpb;
using Google.Protobuf;
using Xunit.Abstractions;

namespace FastKv.Mvcc.Tests.Kv;

public sealed class IndexMemoryTests(ITestOutputHelper output)
{
    [Fact]
    public void Rebuilt_index_costs_at_most_400_bytes_per_revision()
    {
        const int keys = 20_000, revisionsPerKey = 3;
        using var s = new TempStore();
        var value = ByteString.CopyFrom(new byte[64]);
        for (int r = 0; r < revisionsPerKey; r++)
        {
            var t = new TxnRequest();
            for (int i = 0; i < keys; i++)
            {
                if (t.Success.Count == 100)
                {
                    s.Kv.Txn(t);
                    t = new TxnRequest();
                }
                t.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = ByteString.CopyFromUtf8($"/registry/pods/default/pod-{i:D6}"), Value = value } });
            }
            s.Kv.Txn(t);
        }
        s.Kv.Dispose();
        s.Backend.Commit();

        long before = GC.GetTotalMemory(forceFullCollection: true);
        var rebuilt = new FastKv.Mvcc.Kv.KvStore(s.Backend);
        long after = GC.GetTotalMemory(forceFullCollection: true);
        Assert.Equal(keys, rebuilt.KeyCount);
        double perKey = (after - before) / (double)keys;
        double perRevision = (after - before) / (double)(keys * revisionsPerKey);
        output.WriteLine($"index: {perKey:F0} bytes per key ({revisionsPerKey} revisions, 33-byte keys), {perRevision:F0} bytes per revision");
        Assert.True(perRevision <= 400, $"{perRevision:F0} bytes per revision");
        GC.KeepAlive(rebuilt);
        rebuilt.Dispose();
    }
}

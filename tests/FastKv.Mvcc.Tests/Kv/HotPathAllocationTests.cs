// The key space's hot paths allocate nothing per operation once warm: WriteRange (one key,
// 100 keys, keys_only, count_only, committed and pending values). Measured with the thread's
// allocation counter over many operations after a warm-up round, like the page file's read test.
using System.Buffers;
using FastKv.Api.Etcdserverpb;
using FastKv.Mvcc.Kv;
using Google.Protobuf;

namespace FastKv.Mvcc.Tests.Kv;

public sealed class HotPathAllocationTests
{
    private static ByteString Key(int i) => ByteString.CopyFromUtf8($"/registry/pods/default/p-{i:D5}");

    private static long AllocatedPerRound(int rounds, Action round)
    {
        long allocated = 0;
        // Round 0 warms up statics, thread-local lists and tiering; later rounds are measured.
        for (int r = 0; r < rounds; r++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            round();
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }
        return allocated;
    }

    [Fact]
    public void WriteRange_allocates_nothing_for_committed_and_pending_values()
    {
        using var s = new TempStore();
        var value = ByteString.CopyFrom(new byte[128]);
        for (int i = 0; i < 1000; i++) s.Kv.Put(new PutRequest { Key = Key(i), Value = value });
        s.Backend.Commit();
        // Some keys have a newer value that is applied but not committed yet.
        for (int i = 0; i < 1000; i += 10) s.Kv.Put(new PutRequest { Key = Key(i), Value = value });
        var requests = new[]
        {
            new RangeRequest { Key = Key(421) },
            new RangeRequest { Key = Key(420) },
            new RangeRequest { Key = Key(500), RangeEnd = Key(600) },
            new RangeRequest { Key = Key(500), RangeEnd = Key(600), KeysOnly = true, Limit = 50 },
            new RangeRequest { Key = Key(0), RangeEnd = ByteString.CopyFrom(0), CountOnly = true },
            new RangeRequest { Key = Key(0), RangeEnd = Key(999), MinModRevision = 900, Limit = 10, SortOrder = RangeRequest.Types.SortOrder.Ascend },
        };
        var header = new ResponseHeaderFields(1, 2, 3);
        var output = new ArrayBufferWriter<byte>(64 * 1024);
        long written = 0;
        long allocated = AllocatedPerRound(3, () =>
        {
            for (int n = 0; n < 200; n++)
                foreach (var r in requests)
                {
                    output.ResetWrittenCount();
                    s.Kv.WriteRange(r, header, output);
                    written += output.WrittenCount;
                }
        });
        Assert.True(written > 0);
        Assert.Equal(0, allocated);
    }
}

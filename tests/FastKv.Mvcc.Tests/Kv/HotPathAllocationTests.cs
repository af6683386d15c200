// The key space's hot paths allocate nothing per operation once warm: WriteRange (one key,
// 100 keys, keys_only, count_only, committed and pending values), and ApplyPut / ApplyTxn on
// existing keys with the backend committing batches as it goes. Measured with the thread's
// allocation counter over many operations after a warm-up round, like the page file's read test.
using System.Buffers;
using FastKv.Api.Etcdserverpb;
using FastKv.Mvcc.Kv;
using Google.Protobuf;

namespace FastKv.Mvcc.Tests.Kv;

[Collection(AllocationMeasurement.Name)]
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

    // Writes to existing keys. What may allocate is only the amortized growth of a key's
    // revision list (doubling, then by half), since history is not compacted here (the page
    // file's nodes and entry lists come from its writer pool; SteadyStateAllocationTests covers
    // compacted history, which allocates nothing at all between commits). A large first batch
    // sizes the reused buffers (pending-writes table and arena); the next batch is measured in
    // rounds of 400 applies. A per-operation allocation would show in every round; growth shows
    // only in the rounds where a doubling falls, so some round must allocate exactly nothing.
    [Fact]
    public void ApplyPut_and_ApplyTxn_allocate_nothing_on_existing_keys()
    {
        const int keys = 200;
        using var s = new TempStoreWithoutSink();
        var value = ByteString.CopyFrom(new byte[128]);
        var puts = Enumerable.Range(0, keys).Select(i => new PutRequest { Key = Key(i), Value = value }).ToArray();
        var txns = Enumerable.Range(0, keys).Select(i => CompareAndPut.For(Key(i), value)).ToArray();
        long applied = 0;
        void Round()
        {
            foreach (var p in puts) applied += s.Kv.ApplyPut(p);
            foreach (var t in txns) applied += s.Kv.ApplyTxn(t).Revision;
        }
        foreach (var p in puts) s.Kv.Put(p);
        for (int n = 0; n < 8; n++) Round();
        s.Backend.Commit();
        long before = s.Kv.CurrentRevision;
        var rounds = new List<long>();
        for (int n = 0; n < 8; n++)
        {
            long start = GC.GetAllocatedBytesForCurrentThread();
            Round();
            rounds.Add(GC.GetAllocatedBytesForCurrentThread() - start);
        }
        Assert.Equal(before + 8 * 2 * keys, s.Kv.CurrentRevision);
        Assert.True(applied > 0);
        Assert.True(rounds.Min() == 0, "bytes allocated per round of 400 applies: " + string.Join(", ", rounds));

        // A failing compare takes the failure branch, whose range is checked but not read.
        var miss = new TxnRequest();
        miss.Compare.Add(new Compare { Key = Key(1), Target = Compare.Types.CompareTarget.Version, Result = Compare.Types.CompareResult.Equal, Version = 1 });
        miss.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = Key(1) } });
        Assert.False(s.Kv.ApplyTxn(miss).Succeeded);
        before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) s.Kv.ApplyTxn(miss);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    // The key space alone, as on a member without watchers (a watch hub's events are objects by design).
    private sealed class TempStoreWithoutSink : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("fastkv-alloc-").FullName;
        public FastKv.Mvcc.Storage.Backend Backend { get; }
        public KvStore Kv { get; }

        public TempStoreWithoutSink()
        {
            Backend = FastKv.Mvcc.Storage.Backend.Open(Path.Combine(_dir, "db"), new FastKv.Mvcc.Storage.BackendOptions { NoSync = true });
            Kv = new KvStore(Backend);
        }

        public void Dispose()
        {
            Kv.Dispose();
            Backend.Dispose();
            try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
        }
    }
}

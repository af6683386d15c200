// The write path reuses its nodes (NodePool): once warm, a write transaction's puts, deletes and
// cursor deletes allocate nothing on the managed heap, and its commit (rebalance, split, spill)
// allocates no nodes or entry lists. What a commit still allocates is a handful of objects per
// transaction (the Tx and its bucket objects) and the freelist's per-transaction lists.
using System.Buffers.Binary;

namespace FastKv.Bolt.Tests;

[Collection(AllocationMeasurement.Name)]
public class WritePathAllocationTests
{
    private const int TableKeys = 20_000;

    // An etcd-shaped load: appends at the end of one bucket (the growing leaf splits at commit),
    // deletes as many of the oldest (leaves empty and merge), rewrites random keys of another
    // bucket (scattered leaves are copied and split) and deletes a short run through a cursor.
    private sealed class Load(BoltDb db)
    {
        private readonly byte[] _value = new byte[150];
        private readonly Random _random = new(7);
        private ulong _next, _oldest;

        public void Fill()
        {
            using var tx = db.BeginWrite();
            var log = tx.CreateBucket("log"u8);
            var table = tx.CreateBucket("table"u8);
            Span<byte> key = stackalloc byte[8];
            for (int i = 0; i < TableKeys; i++)
            {
                BinaryPrimitives.WriteUInt64BigEndian(key, _next++);
                log.Put(key, _value);
                BinaryPrimitives.WriteUInt64BigEndian(key, (ulong)i);
                table.Put(key, _value);
            }
            tx.Commit();
        }

        /// <summary>One transaction; returns the bytes its writes allocated (after opening the buckets) and its commit allocated.</summary>
        public (long Writes, long Commit) Transaction(int writes)
        {
            Span<byte> key = stackalloc byte[8];
            using var tx = db.BeginWrite();
            var log = tx.GetBucket("log"u8)!;
            var table = tx.GetBucket("table"u8)!;
            var cursor = table.Cursor();
            long start = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < writes; i++)
            {
                BinaryPrimitives.WriteUInt64BigEndian(key, _next++);
                log.Put(key, _value);
                BinaryPrimitives.WriteUInt64BigEndian(key, _oldest++);
                log.Delete(key);
                BinaryPrimitives.WriteUInt64BigEndian(key, (ulong)_random.Next(TableKeys));
                table.Put(key, _value);
            }
            // A cursor delete of a few neighbours, put back afterwards so the table keeps its size.
            BinaryPrimitives.WriteUInt64BigEndian(key, (ulong)_random.Next(TableKeys - 8));
            ulong first = BinaryPrimitives.ReadUInt64BigEndian(key);
            bool ok = cursor.Seek(key, out _, out _);
            for (int i = 0; i < 4 && ok; i++)
            {
                cursor.Delete();
                ok = cursor.Next(out _, out _);
            }
            for (ulong k = first; k < first + 4; k++)
            {
                BinaryPrimitives.WriteUInt64BigEndian(key, k);
                table.Put(key, _value);
            }
            long beforeCommit = GC.GetAllocatedBytesForCurrentThread();
            tx.Commit();
            long end = GC.GetAllocatedBytesForCurrentThread();
            return (beforeCommit - start, end - beforeCommit);
        }
    }

    [Fact]
    public void Writes_inside_a_transaction_allocate_nothing_once_the_pool_is_warm()
    {
        using var dir = new TempDir();
        using var db = BoltDb.Open(dir.File("db"), new BoltOptions { NoSync = true, NoFreelistSync = true });
        var load = new Load(db);
        load.Fill();
        for (int i = 0; i < 20; i++) load.Transaction(2000);
        // Let tiered compilation install the optimised code first: on a busy machine it otherwise
        // lands inside one measured round (7 KB once in a CI run).
        Thread.Sleep(500);
        var writes = new List<long>();
        for (int i = 0; i < 10; i++) writes.Add(load.Transaction(2000).Writes);
        Assert.True(writes.All(w => w == 0), "bytes allocated by 2,000 writes per transaction: " + string.Join(", ", writes));
    }

    // Before the pool, a 2,000-write commit of this load allocated about 1.2 MB (nodes, entry
    // lists, split copies); what is left is the freelist's lists of freed and released pages
    // (Freelist.cs: a new list per transaction and per release, growing with the pages a commit
    // frees) plus the transaction's own objects. The bound guards against nodes coming back.
    [Fact]
    public void Commit_allocates_no_nodes_once_the_pool_is_warm()
    {
        using var dir = new TempDir();
        using var db = BoltDb.Open(dir.File("db"), new BoltOptions { NoSync = true, NoFreelistSync = true });
        var load = new Load(db);
        load.Fill();
        for (int i = 0; i < 20; i++) load.Transaction(2000);
        long commit = long.MaxValue;
        for (int i = 0; i < 5; i++) commit = Math.Min(commit, load.Transaction(2000).Commit);
        Assert.True(commit < 64 * 1024, $"a 2,000-write commit allocated {commit} bytes");
    }
}

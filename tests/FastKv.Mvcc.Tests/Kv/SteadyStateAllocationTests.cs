// A member's steady state: puts and compare-and-swap txns over an existing key space, the
// backend committing its batches, and compaction every so many revisions keeping history
// bounded (etcd deployments run auto-compaction). Between batch commits this allocates nothing
// at all, compaction included; a batch commit allocates a fixed set of per-transaction objects
// in the page file (the transaction, its bucket objects) plus the freelist's per-transaction
// lists, amortized over the batch.
using FastKv.Api.Etcdserverpb;
using FastKv.Mvcc.Kv;
using FastKv.Mvcc.Storage;
using Google.Protobuf;
using Xunit.Abstractions;

namespace FastKv.Mvcc.Tests.Kv;

[Collection(AllocationMeasurement.Name)]
public sealed class SteadyStateAllocationTests(ITestOutputHelper output)
{
    private const int Keys = 1000;
    private const int CompactEvery = 500;
    private const int History = 100;

    private static ByteString Key(int i) => ByteString.CopyFromUtf8($"/registry/configmaps/default/cm-{i:D6}");

    private sealed class Workload : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("fastkv-steady-").FullName;
        private readonly PutRequest[] _puts;
        private readonly TxnRequest[] _txns;
        private long _sinceCompaction;
        private long _next;
        public Backend Backend { get; }
        public KvStore Kv { get; }

        public Workload(int batchLimit)
        {
            Backend = Backend.Open(Path.Combine(_dir, "db"), new BackendOptions { NoSync = true, BatchLimit = batchLimit, BatchInterval = TimeSpan.FromHours(1) });
            Kv = new KvStore(Backend);
            var value = ByteString.CopyFrom(new byte[128]);
            _puts = Enumerable.Range(0, Keys).Select(i => new PutRequest { Key = Key(i), Value = value }).ToArray();
            _txns = Enumerable.Range(0, Keys).Select(i => CompareAndPut.For(Key(i), value)).ToArray();
            foreach (var p in _puts) Kv.Put(p);
            Backend.Commit();
        }

        /// <summary>Applies <paramref name="count"/> writes (half puts, half txns), each followed by the apply loop's CommitIfDue.</summary>
        public void Run(int count)
        {
            for (int i = 0; i < count; i++)
            {
                // Every key in turn, in a scattered order: each key's history between compactions
                // is then bounded, so its revision list stops growing once warm. (With keys drawn at
                // random, a list still grows, 152 bytes at a time, whenever its key first sees a
                // longer history than before: ever rarer, but not never.)
                int k = (int)(_next++ * 7919 % Keys);
                if ((i & 1) == 0) Kv.ApplyPut(_puts[k]);
                else Kv.ApplyTxn(_txns[k]);
                if (++_sinceCompaction == CompactEvery)
                {
                    _sinceCompaction = 0;
                    Kv.ApplyCompact(Kv.CurrentRevision - History);
                }
                Backend.CommitIfDue();
            }
        }

        public void Dispose()
        {
            Kv.Dispose();
            Backend.Dispose();
            try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public void Applies_and_compaction_between_batch_commits_allocate_nothing()
    {
        using var w = new Workload(batchLimit: int.MaxValue);
        // Warm-up: pools, the key bucket's shape and every key's revision list reach their steady size.
        for (int i = 0; i < 20; i++)
        {
            w.Run(2000);
            w.Backend.Commit();
        }
        List<long> rounds = [], begins = [], commits = [];
        for (int i = 0; i < 10; i++)
        {
            // Opening the batch (a page-file write transaction and its buckets) is per batch, not per write.
            long before = GC.GetAllocatedBytesForCurrentThread();
            w.Backend.BatchBucket(BucketNames.Key);
            w.Backend.BatchBucket(BucketNames.Meta);
            long opened = GC.GetAllocatedBytesForCurrentThread();
            w.Run(2000);
            long applied = GC.GetAllocatedBytesForCurrentThread();
            w.Backend.Commit();
            long committed = GC.GetAllocatedBytesForCurrentThread();
            begins.Add(opened - before);
            rounds.Add(applied - opened);
            commits.Add(committed - applied);
        }
        output.WriteLine($"per batch of 2,000 writes: open {string.Join(", ", begins)}; applies {string.Join(", ", rounds)}; commit {string.Join(", ", commits)}");
        Assert.True(w.Kv.CompactRevision > w.Kv.CurrentRevision - 2 * CompactEvery, "compaction kept up");
        Assert.True(rounds.All(r => r == 0), "bytes per round of 2,000 applies with 4 compactions: " + string.Join(", ", rounds));
    }

    // With commits on the backend's schedule, what a write costs is its batch's fixed share:
    // about 0.9–1.3 KB per commit here (opening the page file's write transaction: the Tx and its
    // bucket objects; the freelist reuses its lists), whatever the batch's size.
    [Fact]
    public void With_batch_commits_on_schedule_only_each_commit_allocates()
    {
        const int batch = 2000;
        using var w = new Workload(batchLimit: batch);
        int commits = 0;
        w.Backend.OnCommitted += () => commits++;
        for (int i = 0; i < 20; i++) w.Run(batch);
        commits = 0;
        const int ops = 10 * batch;
        long before = GC.GetAllocatedBytesForCurrentThread();
        w.Run(ops);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"{allocated} bytes over {ops} writes and {commits} commits ({(double)allocated / ops:F2} B/op, {allocated / Math.Max(1, commits)} B per commit)");
        // Compaction's deletes count towards the batch limit too, so commits come about every 1,000 applies.
        Assert.InRange(commits, ops / batch, ops / 500);
        Assert.True(allocated <= commits * 2048L, $"{allocated} bytes over {ops} writes and {commits} commits");
    }
}

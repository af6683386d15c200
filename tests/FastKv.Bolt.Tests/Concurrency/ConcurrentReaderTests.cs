// Readers see a stable snapshot while the writer commits, while the file grows and is remapped,
// and while the file is compacted into a new one.
namespace FastKv.Bolt.Tests.Concurrency;

public class ConcurrentReaderTests
{
    private static readonly byte[] Counter = Bytes.Of("counter");
    private static readonly byte[] Data = Bytes.Of("data");

    // Commit i sets counter = i and adds keys k{i}-0..k{i}-(n-1), so every snapshot is self-describing.
    private static void WriteCommit(BoltDb db, int i, int keysPerCommit, int valueSize)
    {
        db.Update(tx =>
        {
            var b = tx.CreateBucketIfNotExists(Data);
            b.Put(Counter, BitConverter.GetBytes(i));
            for (int j = 0; j < keysPerCommit; j++) b.Put(Bytes.Of($"k{i:D6}-{j:D3}"), new byte[valueSize]);
        });
    }

    private static void AssertSelfConsistent(Tx tx, int keysPerCommit)
    {
        var b = tx.GetBucket(Data);
        if (b is null) return;
        Assert.True(b.TryGet(Counter, out var cv));
        int counter = BitConverter.ToInt32(cv);
        var c = b.Cursor();
        int keys = 0;
        for (bool ok = c.Seek(Bytes.Of("k"), out var k, out _); ok; ok = c.Next(out k, out _)) keys++;
        Assert.Equal((counter + 1) * keysPerCommit, keys);
    }

    [Fact]
    public void A_reader_keeps_its_snapshot_while_commits_grow_and_remap_the_file()
    {
        using var dir = new TempDir();
        using var db = BoltDb.Open(dir.File("db"), new BoltOptions { NoSync = true });
        WriteCommit(db, 0, 10, 100);
        using var reader = db.BeginRead();
        var bucket = reader.GetBucket(Data)!;
        Assert.True(bucket.TryGet(Bytes.Of("k000000-005"), out var held));
        long sizeBefore = new FileInfo(db.Path).Length;

        // Grow the file from a few pages to tens of megabytes: several remaps.
        for (int i = 1; i <= 60; i++) WriteCommit(db, i, 100, 4000);
        Assert.True(new FileInfo(db.Path).Length > 16 * sizeBefore);

        // The span taken before the remaps still reads the old mapping, and the snapshot is unchanged.
        Assert.Equal(100, held.Length);
        AssertSelfConsistent(reader, 10);
        Assert.False(bucket.TryGet(Bytes.Of("k000001-000"), out _));
    }

    [Fact]
    public async Task Many_readers_see_consistent_snapshots_during_a_stream_of_commits()
    {
        using var dir = new TempDir();
        using var db = BoltDb.Open(dir.File("db"), new BoltOptions { NoSync = true });
        const int KeysPerCommit = 20;
        WriteCommit(db, 0, KeysPerCommit, 50);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        int commits = 0, reads = 0;
        using var readersRunning = new CountdownEvent(3);
        var writer = Task.Factory.StartNew(() =>
        {
            Assert.True(readersRunning.Wait(TimeSpan.FromSeconds(10)), "readers did not start");
            for (int i = 1; i <= 300 && !stop.IsCancellationRequested; i++)
            {
                WriteCommit(db, i, KeysPerCommit, 50 + i % 500);
                // Also churn: delete and re-add earlier keys so pages get freed and reused.
                db.Update(tx =>
                {
                    var b = tx.GetBucket(Data)!;
                    byte[] key = Bytes.Of($"k{i / 2:D6}-000");
                    Assert.True(b.TryGet(key, out var v));
                    byte[] copy = v.ToArray();
                    b.Delete(key);
                    b.Put(key, copy);
                });
                Interlocked.Increment(ref commits);
            }
        }, TaskCreationOptions.LongRunning);
        var readers = Enumerable.Range(0, 3).Select(_ => Task.Factory.StartNew(() =>
        {
            readersRunning.Signal();
            while (!writer.IsCompleted && !stop.IsCancellationRequested)
            {
                using var tx = db.BeginRead();
                AssertSelfConsistent(tx, KeysPerCommit);
                Interlocked.Increment(ref reads);
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll([writer, .. readers]);
        Assert.True(commits > 50, $"only {commits} commits");
        Assert.True(reads > 10, $"only {reads} reads");
        db.View(tx => AssertSelfConsistent(tx, KeysPerCommit));
    }

    [Fact]
    public async Task Compaction_copies_one_snapshot_while_writes_and_reads_continue()
    {
        using var dir = new TempDir();
        using var db = BoltDb.Open(dir.File("db"), new BoltOptions { NoSync = true });
        const int KeysPerCommit = 50;
        for (int i = 0; i < 80; i++) WriteCommit(db, i, KeysPerCommit, 1000);
        // Delete most keys so there is something to reclaim.
        db.Update(tx =>
        {
            var b = tx.GetBucket(Data)!;
            for (int i = 0; i < 80; i++)
                for (int j = 1; j < KeysPerCommit; j++) b.Delete(Bytes.Of($"k{i:D6}-{j:D3}"));
            b.Put(Counter, BitConverter.GetBytes(-1)); // "sparse" marker: the self-consistency rule no longer holds
        });
        db.Update(tx => tx.CreateBucket(Bytes.Of("nested")).CreateBucket(Bytes.Of("inner")).Put(Bytes.Of("x"), Bytes.Of("y")));

        int writes = 0;
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(() =>
        {
            for (int i = 0; i < 2000 && !stop.IsCancellationRequested; i++)
            {
                db.Update(tx => tx.CreateBucketIfNotExists(Bytes.Of("during")).Put(BitConverter.GetBytes(i), new byte[100]));
                Interlocked.Increment(ref writes);
            }
        });
        var result = db.CompactTo(dir.File("compact.db"), batchBytes: 64 * 1024);
        stop.Cancel();
        await writer;

        Assert.True(result.SizeAfter < result.SizeBefore / 2, $"{result.SizeBefore} -> {result.SizeAfter}");
        using var compact = BoltDb.Open(result.Path, new BoltOptions { ReadOnly = true });
        compact.View(tx =>
        {
            var b = tx.GetBucket(Data)!;
            Assert.Equal(80 + 1, b.Stats().KeyN);
            Assert.True(tx.GetBucket(Bytes.Of("nested"))!.GetBucket(Bytes.Of("inner"))!.TryGet(Bytes.Of("x"), out _));
            // Writes committed after the snapshot are not in the copy; those before it are.
            long during = tx.GetBucket(Bytes.Of("during"))?.Stats().KeyN ?? 0;
            Assert.True(during <= writes);
        });
        var (code, output) = Compat.ReferenceBbolt.Invoke("check", result.Path);
        Assert.True(code == 0, output);
    }
}

// A commit's pages land in as few contiguous runs as the free space allows (fdatasync on common disks
// costs per discontiguous region written), and the file stays within 20% of the high-water mark the
// scattered placement that came before reached (one page at a time from the top of the free list),
// measured on the same seeded workloads: random inserts 2,040 pages and 4.47 writes per commit; churn
// of 5,000 keys 823 pages, 3.78 writes; churn of 20,000 keys without a persisted freelist 2,497
// pages, 3.36 writes. (Placement as committed: 2,172 pages / 2.61 writes, 823 / 1.79, 2,497 / 1.92.)
using FastKv.Bolt.Check;
using Xunit.Abstractions;

namespace FastKv.Bolt.Tests;

public class PagePlacementTests(ITestOutputHelper output)
{
    private static readonly BoltOptions Unsynced = new() { NoSync = true };

    [Fact]
    public void A_single_key_commit_into_a_file_with_free_space_is_written_in_at_most_two_runs()
    {
        using var dir = new TempDir();
        using var db = BoltDb.Open(dir.File("db"), Unsynced);
        var value = new byte[256];
        LoadThenDelete(db, 4000, 1000, 2000);
        // The deletes freed a stretch of leaves; the next writer sees them as reusable.
        db.Update(tx => tx.GetBucket("b"u8)!.Put(Key(0), value));
        long size = new FileInfo(db.Path).Length;
        ulong highWater = db.CurrentMeta.Pgid;
        Assert.True(db.Freelist.FreeCount > 10, $"expected free pages, have {db.Freelist.FreeCount}");

        var runs = new List<(ulong Start, int Pages)>();
        db.PageRunWritten = (start, pages) => runs.Add((start, pages));
        var random = new Random(5);
        for (int commit = 0; commit < 50; commit++)
        {
            runs.Clear();
            db.Update(tx => tx.GetBucket("b"u8)!.Put(Key(random.Next(2000, 4000)), value));
            Assert.True(runs.Count <= 2, $"commit {commit} wrote {runs.Count} runs: {string.Join(", ", runs)}");
            Assert.True(runs.Sum(r => r.Pages) >= 4, "leaf, branch, root bucket leaf and freelist");
        }
        // All of it went into the free space.
        Assert.Equal(highWater, db.CurrentMeta.Pgid);
        Assert.Equal(size, new FileInfo(db.Path).Length);
        var report = db.Check();
        Assert.True(report.IsClean, string.Join("\n", report.Problems));
    }

    [Fact]
    public void Random_single_key_inserts_write_fewer_runs_without_growing_the_file_past_the_bound()
    {
        using var dir = new TempDir();
        var outcome = PagePlacementWorkloads.RandomInserts(dir.File("db"), 20_000, Unsynced);
        output.WriteLine(outcome.ToString());
        // Growing for contiguity stops at 1 free page in 16: a few percent more file, never the 12% that
        // put a server's reported size outside etcd's for the same puts.
        Assert.True(outcome.HighWaterPages <= 2040 * 110 / 100, outcome.ToString());
        Assert.True(outcome.MeanRuns <= 2.7, outcome.ToString());
    }

    [Fact]
    public void Churn_over_existing_keys_reuses_free_space_in_few_runs()
    {
        using var dir = new TempDir();
        var outcome = PagePlacementWorkloads.Churn(dir.File("db"), 5_000, 20_000, Unsynced);
        output.WriteLine(outcome.ToString());
        Assert.True(outcome.HighWaterPages <= 823 * 120 / 100, outcome.ToString());
        Assert.True(outcome.MeanRuns <= 2.0, outcome.ToString());
    }

    [Fact]
    public void Churn_without_a_persisted_freelist_reuses_free_space_in_few_runs()
    {
        using var dir = new TempDir();
        var outcome = PagePlacementWorkloads.Churn(dir.File("db"), 20_000, 20_000, new BoltOptions { NoSync = true, NoFreelistSync = true });
        output.WriteLine(outcome.ToString());
        Assert.True(outcome.HighWaterPages <= 2497 * 120 / 100, outcome.ToString());
        Assert.True(outcome.MeanRuns <= 2.0, outcome.ToString());
    }

    [Fact]
    public void Reserved_pages_a_commit_did_not_use_are_free_again_after_reopen()
    {
        using var dir = new TempDir();
        string path = dir.File("db");
        ulong highWater;
        int free;
        using (var db = BoltDb.Open(path, Unsynced))
        {
            // Deleting shrinks the tree: the commit reserved more pages than it wrote.
            LoadThenDelete(db, 2000, 0, 1990);
            highWater = db.CurrentMeta.Pgid;
            free = db.Freelist.Count;
            var report = db.Check();
            Assert.True(report.IsClean, string.Join("\n", report.Problems));
        }
        var reopened = BoltChecker.CheckFile(path);
        Assert.True(reopened.IsClean, string.Join("\n", reopened.Problems));
        using (var db = BoltDb.Open(path, Unsynced))
        {
            Assert.Equal(highWater, db.CurrentMeta.Pgid);
            Assert.Equal(free, db.Freelist.Count);
        }
    }

    /// <summary>One commit puts keys [0, <paramref name="keys"/>) with 256-byte values into bucket "b", the
    /// next deletes keys [<paramref name="deleteFrom"/>, <paramref name="deleteTo"/>).</summary>
    private static void LoadThenDelete(BoltDb db, int keys, int deleteFrom, int deleteTo)
    {
        var value = new byte[256];
        db.Update(tx =>
        {
            var b = tx.CreateBucket("b"u8);
            for (int i = 0; i < keys; i++) b.Put(Key(i), value);
        });
        db.Update(tx =>
        {
            var b = tx.GetBucket("b"u8)!;
            for (int i = deleteFrom; i < deleteTo; i++) b.Delete(Key(i));
        });
    }

    private static byte[] Key(int i)
    {
        var key = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(key, i);
        return key;
    }
}

// Long single-key workloads for the page placement tests: random inserts into a growing bucket
// (what `fastkvutl db bench --batch-size 1 --write-mode rnd` does) and churn over a fixed-size key
// set (overwrites, deletes and inserts of random keys). Each reports the file's high-water mark and
// how many separate writes (page runs) each commit made before its meta.
using FastKv.Bolt.Check;

namespace FastKv.Bolt.Tests;

public sealed record PlacementOutcome(ulong HighWaterPages, ulong FreePages, double MeanRuns, int[] RunsHistogram, int Commits)
{
    public override string ToString() =>
        $"{Commits} commits: high-water {HighWaterPages} pages ({FreePages} free), mean runs/commit {MeanRuns:F2}, " +
        $"runs histogram [{string.Join(", ", RunsHistogram.Select((n, i) => $"{i}:{n}"))}]";
}

public static class PagePlacementWorkloads
{
    private static readonly byte[] BucketName = "bench"u8.ToArray();

    /// <summary>Commits of one random 8-byte key with a 256-byte value each, into an empty file.</summary>
    public static PlacementOutcome RandomInserts(string path, int commits, BoltOptions options, int seed = 1)
    {
        var random = new Random(seed);
        var value = new byte[256];
        var key = new byte[8];
        using var db = BoltDb.Open(path, options);
        var runs = new RunCounter(db);
        for (int i = 0; i < commits; i++)
        {
            random.NextBytes(key);
            random.NextBytes(value);
            runs.Begin();
            using var tx = db.BeginWrite();
            tx.CreateBucketIfNotExists(BucketName).Put(key, value);
            tx.Commit();
            runs.End();
        }
        AssertClean(db);
        return runs.Outcome(db);
    }

    /// <summary>Loads <paramref name="keys"/> random keys, then commits one random change each: overwrite an
    /// existing key (half), delete one (a quarter) or insert a new one (a quarter).</summary>
    public static PlacementOutcome Churn(string path, int keys, int commits, BoltOptions options, int seed = 2)
    {
        var random = new Random(seed);
        var live = new List<byte[]>(keys * 2);
        var value = new byte[256];
        using var db = BoltDb.Open(path, options);
        for (int loaded = 0; loaded < keys;)
        {
            using var tx = db.BeginWrite();
            var bucket = tx.CreateBucketIfNotExists(BucketName);
            for (int i = 0; i < 500 && loaded < keys; i++, loaded++)
                PutNewKey(bucket);
            tx.Commit();
        }
        var runs = new RunCounter(db);
        for (int i = 0; i < commits; i++)
        {
            runs.Begin();
            using var tx = db.BeginWrite();
            var bucket = tx.GetBucket(BucketName)!;
            double dice = random.NextDouble();
            if (dice < 0.5 || live.Count < 2)
            {
                random.NextBytes(value);
                bucket.Put(live[random.Next(live.Count)], value);
            }
            else if (dice < 0.75)
            {
                int at = random.Next(live.Count);
                bucket.Delete(live[at]);
                live[at] = live[^1];
                live.RemoveAt(live.Count - 1);
            }
            else
            {
                PutNewKey(bucket);
            }
            tx.Commit();
            runs.End();
        }
        AssertClean(db);
        return runs.Outcome(db);

        void PutNewKey(Bucket bucket)
        {
            var key = new byte[8];
            random.NextBytes(key);
            random.NextBytes(value);
            bucket.Put(key, value);
            live.Add(key);
        }
    }

    private static void AssertClean(BoltDb db)
    {
        var report = db.Check();
        Assert.True(report.IsClean, string.Join("\n", report.Problems));
    }

    /// <summary>Counts the gathered writes of each commit through the page writer's observer.</summary>
    private sealed class RunCounter
    {
        private readonly List<int> _perCommit = new();
        private int _current;

        public RunCounter(BoltDb db) => db.PageRunWritten = (_, _) => _current++;

        public void Begin() => _current = 0;
        public void End() => _perCommit.Add(_current);

        public PlacementOutcome Outcome(BoltDb db)
        {
            var histogram = new int[Math.Min(_perCommit.Max() + 1, 12)];
            foreach (int n in _perCommit) histogram[Math.Min(n, histogram.Length - 1)]++;
            var meta = db.CurrentMeta;
            ulong free = (ulong)db.Freelist.Count;
            return new PlacementOutcome(meta.Pgid, free, _perCommit.Average(), histogram, _perCommit.Count);
        }
    }
}

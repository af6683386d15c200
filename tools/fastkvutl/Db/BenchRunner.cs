// Runs the bench workload: write --count keys in batches (sequential or random keys), then random
// gets and full cursor scans repeated for a fixed time, and reports rates the way `bbolt bench` does.
using System.Buffers.Binary;
using System.Diagnostics;
using FastKv.Bolt;

namespace FastKv.Util.Db;

internal sealed class BenchRunner(BenchSettings settings, TextWriter output)
{
    private static readonly byte[] BucketName = "bench"u8.ToArray();

    public int Run()
    {
        string path = settings.Path ?? ScratchPath();
        try
        {
            var options = new BoltOptions { NoSync = settings.NoSync, NoFreelistSync = settings.NoFreelistSync };
            if (settings.WarmupKeys > 0) WarmUp(options);
            using var db = BoltDb.Open(path, options);
            byte[][] keys = MakeKeys(settings.Count, settings.Seed);
            var write = Write(db, keys);
            Report("Write", write, keys.Length);
            long stored = db.View(tx => Count(tx));
            var (getTime, gets) = RandomGets(db, keys);
            Report("Get (rnd)", getTime, gets);
            var (scanTime, scanned) = Scans(db);
            Report("Scan", scanTime, scanned);
            output.WriteLine($"# {stored} keys of {settings.KeySize} bytes, values of {settings.ValueSize} bytes, " +
                             $"{settings.EffectiveBatchSize} per transaction, {(settings.RandomWrites ? "random" : "sequential")} writes, " +
                             $"{(settings.NoSync ? "no fdatasync" : "fdatasync per commit")}, file {new FileInfo(path).Length} bytes" +
                             (settings.KeepFile ? $" at {path}" : ""));
            return ToolRunner.Ok;
        }
        finally
        {
            if (!settings.KeepFile) File.Delete(path);
        }
    }

    private static string ScratchPath() =>
        System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"fastkvutl-bench-{Guid.NewGuid():N}.db");

    /// <summary>
    /// Writes keys the way the timed run will, into a scratch file that is then removed. A fresh
    /// process runs its first thousands of commits in unoptimized code while the JIT catches up
    /// (10,000 single-key commits without fdatasync: 24-28 µs each cold, 15-19 µs after 2,000
    /// warm-up keys); a server never pays that after its first seconds, and bbolt's bench, compiled
    /// ahead of time, never does.
    /// </summary>
    private void WarmUp(BoltOptions options)
    {
        int count = Math.Min(settings.WarmupKeys, settings.Count);
        // Beside the timed file when it has a place, so the warm-up runs on the same file system.
        string scratch = settings.Path is { } timed ? timed + ".warmup" : ScratchPath();
        try
        {
            using var db = BoltDb.Open(scratch, options);
            Write(db, MakeKeys(count, settings.Seed + 2));
        }
        finally
        {
            File.Delete(scratch);
        }
        output.WriteLine($"# Warm-up: {count} keys written untimed to a scratch file (--warmup-keys 0 times a cold start)");
    }

    private byte[][] MakeKeys(int count, int seed)
    {
        var random = new Random(seed);
        var keys = new byte[count][];
        for (int i = 0; i < keys.Length; i++)
        {
            var key = new byte[settings.KeySize];
            if (settings.RandomWrites) random.NextBytes(key);
            else BinaryPrimitives.WriteUInt32BigEndian(key.AsSpan(settings.KeySize - 4), (uint)i);
            keys[i] = key;
        }
        return keys;
    }

    private TimeSpan Write(BoltDb db, byte[][] keys)
    {
        byte[] value = new byte[settings.ValueSize];
        int batch = settings.EffectiveBatchSize;
        var clock = Stopwatch.StartNew();
        for (int start = 0; start < keys.Length; start += batch)
        {
            using var tx = db.BeginWrite();
            var bucket = tx.CreateBucketIfNotExists(BucketName);
            bucket.FillPercent = settings.FillPercent;
            int end = Math.Min(keys.Length, start + batch);
            for (int i = start; i < end; i++)
                bucket.Put(keys[i], value);
            tx.Commit();
        }
        return clock.Elapsed;
    }

    private static long Count(Tx tx)
    {
        long n = 0;
        var c = tx.GetBucket(BucketName)!.Cursor();
        for (bool ok = c.First(out _, out _); ok; ok = c.Next(out _, out _)) n++;
        return n;
    }

    /// <summary>Looks every key up in a shuffled order, round after round, until the time is up.</summary>
    private (TimeSpan, long) RandomGets(BoltDb db, byte[][] keys)
    {
        var order = (byte[][])keys.Clone();
        new Random(settings.Seed + 1).Shuffle(order);
        long gets = 0, missing = 0;
        var clock = Stopwatch.StartNew();
        using (var tx = db.BeginRead())
        {
            var bucket = tx.GetBucket(BucketName)!;
            do
            {
                foreach (var key in order)
                    if (!bucket.TryGet(key, out _)) missing++;
                gets += order.Length;
            } while (clock.Elapsed.TotalSeconds < settings.ReadSeconds);
        }
        var elapsed = clock.Elapsed;
        if (missing > 0) throw new InvalidDataException($"bench: {missing} of {gets} gets did not find a key that was written");
        return (elapsed, gets);
    }

    private (TimeSpan, long) Scans(BoltDb db)
    {
        long scanned = 0;
        var clock = Stopwatch.StartNew();
        using (var tx = db.BeginRead())
        {
            var bucket = tx.GetBucket(BucketName)!;
            do
            {
                var c = bucket.Cursor();
                for (bool ok = c.First(out _, out _); ok; ok = c.Next(out _, out _)) scanned++;
            } while (clock.Elapsed.TotalSeconds < settings.ReadSeconds);
        }
        return (clock.Elapsed, scanned);
    }

    private void Report(string what, TimeSpan elapsed, long operations)
    {
        double perOp = elapsed.TotalNanoseconds / Math.Max(1, operations);
        double rate = operations / Math.Max(elapsed.TotalSeconds, 1e-9);
        output.WriteLine($"# {what,-10}\t{Format(elapsed)}\t({FormatNs(perOp)}/op)\t({rate:0} op/sec)");
    }

    private static string Format(TimeSpan t) =>
        t.TotalSeconds >= 1 ? $"{t.TotalSeconds:0.000}s" : $"{t.TotalMilliseconds:0.000}ms";

    private static string FormatNs(double ns) =>
        ns >= 1_000_000 ? $"{ns / 1_000_000:0.###}ms" : ns >= 1_000 ? $"{ns / 1_000:0.###}µs" : $"{ns:0}ns";
}

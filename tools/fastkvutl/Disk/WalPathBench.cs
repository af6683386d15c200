// Drives the real WAL write path: a fresh WAL (preallocated 64 MB segments, background preallocation of
// the next) in the benchmark directory, N concurrent appenders proposing entries through group commit,
// each timing its own commit (append until the covering fdatasync returned). With --api save and one
// appender it uses raft's synchronous Save instead.
using System.Diagnostics;
using FastKv.Wal;

namespace FastKv.Util.Disk;

internal sealed record WalPathOptions(string Directory, int Appenders, int EntryBytes, TimeSpan Runtime, bool UseSave, bool Progress);

internal sealed record WalPathResult(WalPathOptions Options, long Entries, TimeSpan Elapsed, long Syncs, long Bytes, LatencySummary Commit, LatencySummary Sync)
{
    public double EntriesPerSecond => Entries / Elapsed.TotalSeconds;
    public double EntriesPerSync => Syncs == 0 ? 0 : (double)Entries / Syncs;
}

internal static class WalPathBench
{
    public static WalPathResult Run(WalPathOptions options)
    {
        if (options.UseSave && options.Appenders != 1)
            throw new UsageException("--api save drives raft's single-writer Save; use it with --appenders 1");
        string dir = Path.Combine(options.Directory, $"fastkvutl-wal-bench.{Environment.ProcessId}");
        if (Directory.Exists(dir))
            Directory.Delete(dir, recursive: true);
        var syncTicks = new List<long>();
        var walOptions = new WalOptions
        {
            SyncCompleted = d => { lock (syncTicks) syncTicks.Add((long)(d.TotalSeconds * Stopwatch.Frequency)); },
        };
        long entries = 0;
        var clock = Stopwatch.StartNew();
        try
        {
            using var wal = WriteAheadLog.Create(dir, new MemberMetadata(1, 1).Encode(), walOptions);
            var payload = new byte[options.EntryBytes];
            Random.Shared.NextBytes(payload);
            // Warm up (JIT, first writes into the segment) outside the measurement.
            for (int i = 0; i < 50; i++)
                wal.ProposeAsync(1, payload).AsTask().GetAwaiter().GetResult();
            lock (syncTicks) syncTicks.Clear();
            long syncsBefore = wal.Statistics.Syncs, bytesBefore = wal.Statistics.BytesWritten;
            using var progress = new ProgressLine(options.Progress, () =>
                $"wal bench: {Interlocked.Read(ref entries)} entries, {Interlocked.Read(ref entries) / Math.Max(clock.Elapsed.TotalSeconds, 0.001):0} entries/s, " +
                $"{wal.Statistics.Syncs - syncsBefore} syncs");
            var latencies = new List<long>[options.Appenders];
            var until = TimeSpan.Zero;
            clock.Restart();
            until = options.Runtime;
            if (options.UseSave)
            {
                latencies[0] = SaveLoop(wal, payload, clock, until, ref entries);
            }
            else
            {
                var tasks = Enumerable.Range(0, options.Appenders).Select(a => Task.Run(async () =>
                {
                    var mine = new List<long>(4096);
                    while (clock.Elapsed < until)
                    {
                        long t0 = Stopwatch.GetTimestamp();
                        await wal.ProposeAsync(1, payload);
                        mine.Add(Stopwatch.GetTimestamp() - t0);
                        Interlocked.Increment(ref entries);
                    }
                    latencies[a] = mine;
                })).ToArray();
                Task.WaitAll(tasks);
            }
            clock.Stop();
            var stats = wal.Statistics;
            List<long> syncCopy;
            lock (syncTicks) syncCopy = syncTicks.ToList();
            return new WalPathResult(options, entries, clock.Elapsed, stats.Syncs - syncsBefore, stats.BytesWritten - bytesBefore,
                LatencySummary.FromTicks(latencies.SelectMany(l => l).ToList()), LatencySummary.FromTicks(syncCopy));
        }
        finally
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
    }

    private static List<long> SaveLoop(WriteAheadLog wal, byte[] payload, Stopwatch clock, TimeSpan until, ref long entries)
    {
        var latencies = new List<long>(16384);
        var batch = new RaftEntry[1];
        ulong index = wal.LastIndex;
        while (clock.Elapsed < until)
        {
            index++;
            batch[0] = new RaftEntry(1, index, payload);
            long t0 = Stopwatch.GetTimestamp();
            wal.Save(new HardState(1, 1, index), batch);
            latencies.Add(Stopwatch.GetTimestamp() - t0);
            Interlocked.Increment(ref entries);
        }
        return latencies;
    }
}

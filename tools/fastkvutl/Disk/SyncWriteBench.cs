// The fio job etcd's documentation asks operators to run (--rw=write --ioengine=sync --fdatasync=1
// --bs=2300 --size=22m): each job writes its own file sequentially in bs-sized pwrites with an
// fdatasync after every write, and the fdatasync latencies are what matter. Like fio, the file is
// laid out (fallocate) before the timed part, and --direct opens it with O_DIRECT.
using System.Diagnostics;
using System.Runtime.InteropServices;
using FastKv.Wal;

namespace FastKv.Util.Disk;

internal sealed record SyncWriteOptions(string Directory, long BlockSize, long Size, TimeSpan? Runtime, int Jobs, bool Direct, bool Progress);

internal sealed record SyncWriteResult(SyncWriteOptions Options, long Writes, long Bytes, TimeSpan Elapsed, LatencySummary Sync, LatencySummary Write)
{
    public double Iops => Writes / Elapsed.TotalSeconds;
    public double BytesPerSecond => Bytes / Elapsed.TotalSeconds;
}

internal static class SyncWriteBench
{
    public static unsafe SyncWriteResult Run(SyncWriteOptions options)
    {
        if (options.Direct && options.BlockSize % 512 != 0)
            throw new UsageException($"--direct needs --bs to be a multiple of 512 (the sector size); {options.BlockSize} is not (fio refuses it too)");
        var files = Enumerable.Range(0, options.Jobs)
            .Select(j => Path.Combine(options.Directory, $"fastkvutl-disk-bench.{Environment.ProcessId}.{j}")).ToArray();
        var syncs = new List<long>[options.Jobs];
        var writes = new List<long>[options.Jobs];
        long written = 0;
        var clock = new Stopwatch();
        try
        {
            var handles = files.Select(f =>
            {
                var h = NativeIo.Open(f, write: true, create: true, direct: options.Direct);
                RandomAccess.SetLength(h, 0);
                NativeIo.Preallocate(h, options.Size);
                NativeIo.DataSync(h);
                return h;
            }).ToArray();
            using var progress = new ProgressLine(options.Progress, () =>
                $"disk bench: {ByteSize.Format(Interlocked.Read(ref written))} of {ByteSize.Format(options.Size * options.Jobs)}, " +
                $"{Interlocked.Read(ref written) / options.BlockSize / Math.Max(clock.Elapsed.TotalSeconds, 0.001):0} writes/s");
            var deadline = options.Runtime;
            clock.Start();
            var threads = Enumerable.Range(0, options.Jobs).Select(j => new Thread(() =>
            {
                int bs = (int)options.BlockSize;
                void* memory = NativeMemory.AlignedAlloc((nuint)bs, 4096);
                try
                {
                    var buffer = new Span<byte>(memory, bs);
                    Random.Shared.NextBytes(buffer); // incompressible, like fio's default buffers
                    var syncTimes = new List<long>((int)(options.Size / bs) + 1);
                    var writeTimes = new List<long>((int)(options.Size / bs) + 1);
                    for (long offset = 0; offset + bs <= options.Size; offset += bs)
                    {
                        if (deadline is { } d && clock.Elapsed >= d)
                            break;
                        long t0 = Stopwatch.GetTimestamp();
                        RandomAccess.Write(handles[j], buffer, offset);
                        long t1 = Stopwatch.GetTimestamp();
                        NativeIo.DataSync(handles[j]);
                        long t2 = Stopwatch.GetTimestamp();
                        writeTimes.Add(t1 - t0);
                        syncTimes.Add(t2 - t1);
                        Interlocked.Add(ref written, bs);
                    }
                    syncs[j] = syncTimes;
                    writes[j] = writeTimes;
                }
                finally
                {
                    NativeMemory.AlignedFree(memory);
                }
            }) { IsBackground = true, Name = $"disk-bench-{j}" }).ToArray();
            foreach (var t in threads) t.Start();
            foreach (var t in threads) t.Join();
            clock.Stop();
            foreach (var h in handles) h.Dispose();
        }
        finally
        {
            foreach (var f in files)
                File.Delete(f);
        }
        var allSyncs = syncs.Where(s => s is not null).SelectMany(s => s).ToList();
        var allWrites = writes.Where(s => s is not null).SelectMany(s => s).ToList();
        if (allSyncs.Count == 0)
            throw new IOException("the benchmark finished without completing a single write");
        return new SyncWriteResult(options, allSyncs.Count, written, clock.Elapsed,
            LatencySummary.FromTicks(allSyncs), LatencySummary.FromTicks(allWrites));
    }
}

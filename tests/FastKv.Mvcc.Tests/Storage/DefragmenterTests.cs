// Online defragmentation of the backend: the file shrinks, every bucket's content equals what a
// model of the writes says while a writer and readers run throughout, readers holding old
// transactions keep their snapshot, and at every stage the file at the database path is one
// whole database (a crash leaves the old or the new, never neither).
using System.Buffers.Binary;
using System.Text;
using FastKv.Bolt;
using FastKv.Mvcc.Storage;
using FastKv.Mvcc.Tests.Support;

namespace FastKv.Mvcc.Tests.Storage;

public sealed class DefragmenterTests
{
    private static readonly byte[][] Buckets = [.. BucketNames.All()];
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Concurrent_writer_and_readers_end_with_the_content_of_the_model(int seed)
    {
        using var temp = new TempBackend();
        var backend = temp.Backend;
        var model = Buckets.ToDictionary(b => Encoding.UTF8.GetString(b), _ => new SortedDictionary<string, byte[]>(StringComparer.Ordinal));
        var random = new Random(seed);

        // A fragmented file: many keys written, then most deleted.
        for (int i = 0; i < 30_000; i++)
        {
            var bucket = Buckets[i % Buckets.Length];
            Write(backend, model, bucket, $"pre/{i:D6}", random.Next(20, 200), random);
            if (i % 5000 == 4999) backend.Commit();
        }
        backend.Commit();
        for (int i = 0; i < 30_000; i++)
            if (i % 3 != 0) Remove(backend, model, Buckets[i % Buckets.Length], $"pre/{i:D6}");
        backend.Commit();
        long before = backend.Size;

        using var early = backend.BeginRead();
        var earlyValue = early.GetBucket(BucketNames.Key)!.Get(B("pre/000000"))!;

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        Task<DefragResult>? defrag = null;
        long writes = 0;
        var writer = Task.Factory.StartNew(() =>
        {
            // The writer thread: pairs of keys that always change together in one batch, puts and
            // deletes across every bucket, and the consistent index, as the apply loop writes them.
            ulong index = 0;
            int afterDefrag = 0;
            while (!stop.IsCancellationRequested && afterDefrag < 300)
            {
                var bucket = Buckets[random.Next(Buckets.Length)];
                int n = random.Next(2000);
                if (random.Next(4) == 0)
                {
                    Remove(backend, model, bucket, $"pair/a/{n}");
                    Remove(backend, model, bucket, $"pair/b/{n}");
                }
                else
                {
                    var value = new byte[random.Next(1, 300)];
                    random.NextBytes(value);
                    Put(backend, model, bucket, $"pair/a/{n}", value);
                    Put(backend, model, bucket, $"pair/b/{n}", value);
                }
                if (random.Next(50) == 0) Remove(backend, model, bucket, $"pre/{random.Next(30_000):D6}");
                backend.SetConsistentIndex(++index);
                writes++;
                if (random.Next(20) == 0) backend.Commit();
                backend.CommitIfDue();
                if (defrag is { IsCompleted: true }) afterDefrag++;
                if (writes % 16 == 0) Thread.Sleep(0);
            }
            backend.Commit();
        }, TaskCreationOptions.LongRunning);

        long reads = 0;
        var readers = Enumerable.Range(0, 2).Select(r => Task.Factory.StartNew(() =>
        {
            var rnd = new Random(seed * 10 + r);
            ulong lastIndex = 0;
            while (!writer.IsCompleted)
            {
                using var tx = backend.BeginRead();
                var meta = tx.GetBucket(BucketNames.Meta)!;
                ulong index = meta.TryGet("consistent_index"u8, out var ci) ? BinaryPrimitives.ReadUInt64BigEndian(ci) : 0;
                Assert.True(index >= lastIndex, $"consistent index went back from {lastIndex} to {index}");
                lastIndex = index;
                var bucket = tx.GetBucket(Buckets[rnd.Next(Buckets.Length)])!;
                int n = rnd.Next(2000);
                var a = bucket.Get(B($"pair/a/{n}"));
                var b = bucket.Get(B($"pair/b/{n}"));
                Assert.True(a.AsSpan().SequenceEqual(b), $"pair {n} torn: a batch was seen in part");
                Interlocked.Increment(ref reads);
            }
        }, TaskCreationOptions.LongRunning)).ToArray();

        await Task.Delay(50);
        defrag = backend.DefragmentAsync(new DefragOptions { FinalDeltaLimit = 64 });
        var result = await defrag;
        await writer;
        await Task.WhenAll(readers);

        Assert.Equal(earlyValue, early.GetBucket(BucketNames.Key)!.Get(B("pre/000000")));
        Assert.True(result.SizeAfter < before, $"size {before} -> {result.SizeAfter}");
        Assert.True(writes > 300 && reads > 0, $"writes {writes}, reads {reads}");
        AssertContent(backend, model);
        Assert.False(File.Exists(temp.FilePath + ".defrag"));
        AssertContent(temp.Reopen(), model);
    }

    [Fact]
    public async Task A_second_call_while_one_runs_joins_it_and_a_later_one_runs_again()
    {
        using var temp = new TempBackend();
        var backend = temp.Backend;
        for (int i = 0; i < 5000; i++) backend.Put(BucketNames.Key, B($"k{i}"), new byte[100]);
        backend.Commit();
        using var pump = Pump(backend, out var pumping);
        var first = backend.DefragmentAsync();
        var second = backend.DefragmentAsync();
        Assert.Same(first, second);
        await first;
        var third = await backend.DefragmentAsync();
        Assert.True(third.SizeAfter <= third.SizeBefore);
        pump.Cancel();
        await pumping;
    }

    [Theory]
    [InlineData(DefragStage.Recording)]
    [InlineData(DefragStage.Copied)]
    [InlineData(DefragStage.CaughtUp)]
    [InlineData(DefragStage.Switching)]
    public async Task Failing_before_the_switch_leaves_the_old_file_in_use_and_no_leftovers(DefragStage failAt)
    {
        using var temp = new TempBackend();
        var backend = temp.Backend;
        var model = Buckets.ToDictionary(b => Encoding.UTF8.GetString(b), _ => new SortedDictionary<string, byte[]>(StringComparer.Ordinal));
        var random = new Random(7);
        for (int i = 0; i < 3000; i++) Write(backend, model, Buckets[i % Buckets.Length], $"k{i}", 50, random);
        backend.Commit();
        var gate = new Lock();
        int batch = 0;
        using var stop = new CancellationTokenSource();
        var writer = Task.Factory.StartNew(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                lock (gate)
                {
                    for (int j = 0; j < 50; j++) Write(backend, model, Buckets[j % Buckets.Length], $"w{batch}/{j}", 30, random);
                    batch++;
                    backend.Commit();
                    backend.CommitIfDue();
                }
                Thread.Sleep(1);
            }
        }, TaskCreationOptions.LongRunning);

        var options = new DefragOptions
        {
            FinalDeltaLimit = 0, // every stage is reached, a catch-up round included
            MaxCatchUpRounds = 1,
            StageReached = stage =>
            {
                if (stage == DefragStage.Copied) Thread.Sleep(20); // let writes pile up for the catch-up round
                if (stage == failAt) throw new IOException($"injected failure at {stage}");
            },
        };
        var failure = await Assert.ThrowsAsync<IOException>(() => backend.DefragmentAsync(options));
        Assert.Contains(failAt.ToString(), failure.Message);
        Assert.False(File.Exists(temp.FilePath + ".defrag"));
        Assert.False(File.Exists(temp.FilePath + ".defrag.compacting"));
        await Task.Delay(20);
        var again = await backend.DefragmentAsync();
        stop.Cancel();
        await writer;
        Assert.True(batch > 0);
        AssertContent(backend, model);
        AssertContent(temp.Reopen(), model);
        Assert.True(again.SizeAfter > 0);
    }

    [Fact]
    public async Task At_every_stage_the_database_path_holds_a_whole_database_with_every_committed_batch()
    {
        using var temp = new TempBackend();
        var backend = temp.Backend;
        for (int i = 0; i < 20_000; i++)
        {
            backend.Put(BucketNames.Key, B($"pre/{i:D6}"), new byte[64]);
            if (i % 2 == 1) backend.Delete(BucketNames.Key, B($"pre/{i - 1:D6}"));
        }
        backend.Commit();

        // Batch i puts w/i and deletes w/(i-10) and records i as the consistent index, so a file
        // with consistent index c must hold exactly w/(c-9) .. w/c.
        var gate = new Lock();
        using var stop = new CancellationTokenSource();
        ulong committed = 0;
        var writer = Task.Factory.StartNew(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                lock (gate)
                {
                    ulong i = committed + 1;
                    backend.Put(BucketNames.Key, B($"w/{i:D8}"), BitConverter.GetBytes(i));
                    if (i > 10) backend.Delete(BucketNames.Key, B($"w/{i - 10:D8}"));
                    backend.SetConsistentIndex(i);
                    backend.Commit();
                    committed = i;
                    backend.CommitIfDue();
                }
                Thread.Sleep(1);
            }
        }, TaskCreationOptions.LongRunning);

        var copies = new List<(DefragStage Stage, string Path, ulong Committed)>();
        var options = new DefragOptions
        {
            FinalDeltaLimit = 0,
            MaxCatchUpRounds = 2,
            StageReached = stage =>
            {
                if (stage is DefragStage.Copied or DefragStage.CaughtUp) Thread.Sleep(20);
                // What a crash right now would leave on disk: the writer is between batches.
                lock (gate)
                {
                    var copy = Path.Combine(Path.GetDirectoryName(temp.FilePath)!, $"crash-{copies.Count}-{stage}");
                    CopyLockedFile(temp.FilePath, copy);
                    copies.Add((stage, copy, committed));
                }
            },
        };
        await backend.DefragmentAsync(options);
        stop.Cancel();
        await writer;

        // A second catch-up round runs only when the writer committed during the first.
        var stages = copies.Select(c => c.Stage).Where((s, i) => !(s == DefragStage.CaughtUp && i == 3)).ToArray();
        Assert.Equal([DefragStage.Recording, DefragStage.Copied, DefragStage.CaughtUp, DefragStage.Switching, DefragStage.Switched], stages);
        var sizes = new Dictionary<DefragStage, long>();
        foreach (var (stage, path, atCrash) in copies)
        {
            using var reopened = Backend.Open(path, new BackendOptions { NoSync = true });
            Assert.Equal(atCrash, reopened.ReadConsistentIndex());
            using var tx = reopened.BeginRead();
            var keys = tx.GetBucket(BucketNames.Key)!;
            var w = new List<string>();
            int pre = 0;
            keys.ForEach((k, _) =>
            {
                var name = Encoding.UTF8.GetString(k);
                if (name.StartsWith("w/", StringComparison.Ordinal)) w.Add(name);
                else pre++;
            });
            Assert.Equal(10_000, pre);
            var expected = Enumerable.Range(0, (int)Math.Min(10, atCrash)).Select(j => $"w/{atCrash - (ulong)j:D8}").Order(StringComparer.Ordinal);
            Assert.Equal(expected, w);
            foreach (var name in BucketNames.All()) Assert.NotNull(tx.GetBucket(name));
            sizes[stage] = reopened.Size;
        }
        // Pages in use, not file lengths: both files grow in the same steps (2 MiB here).
        Assert.True(sizes[DefragStage.Switched] < sizes[DefragStage.Recording],
            $"the new file uses {sizes[DefragStage.Switched]} bytes, the old one {sizes[DefragStage.Recording]}");
    }

    private static void Write(Backend backend, Dictionary<string, SortedDictionary<string, byte[]>> model, byte[] bucket, string key, int size, Random random)
    {
        var value = new byte[size];
        random.NextBytes(value);
        Put(backend, model, bucket, key, value);
    }

    private static void Put(Backend backend, Dictionary<string, SortedDictionary<string, byte[]>> model, byte[] bucket, string key, byte[] value)
    {
        backend.Put(bucket, B(key), value);
        model[Encoding.UTF8.GetString(bucket)][key] = value;
    }

    private static void Remove(Backend backend, Dictionary<string, SortedDictionary<string, byte[]>> model, byte[] bucket, string key)
    {
        backend.Delete(bucket, B(key));
        model[Encoding.UTF8.GetString(bucket)].Remove(key);
    }

    // The model holds only the test's keys; the consistent index is checked by the readers.
    private static void AssertContent(Backend backend, Dictionary<string, SortedDictionary<string, byte[]>> model)
    {
        using var tx = backend.BeginRead();
        foreach (var (name, expected) in model)
        {
            var actual = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
            tx.GetBucket(B(name))!.ForEach((k, v) => actual[Encoding.UTF8.GetString(k)] = v.ToArray());
            if (name == "meta") actual.Remove("consistent_index");
            Assert.Equal(expected.Keys, actual.Keys);
            foreach (var (k, v) in expected) Assert.True(v.AsSpan().SequenceEqual(actual[k]), $"{name}/{k} differs");
        }
    }

    // .NET's own advisory lock refuses to open a file another handle holds exclusively, so the
    // copy (what the disk holds at this instant) is taken with cp.
    private static void CopyLockedFile(string from, string to)
    {
        using var cp = System.Diagnostics.Process.Start("cp", [from, to])!;
        Assert.True(cp.WaitForExit(30_000), "cp hung");
        Assert.Equal(0, cp.ExitCode);
    }

    // Stands in for the apply loop: calls CommitIfDue so the defragmentation's writer-thread steps run.
    private static CancellationTokenSource Pump(Backend backend, out Task pumping)
    {
        var stop = new CancellationTokenSource();
        pumping = Task.Factory.StartNew(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                backend.CommitIfDue();
                Thread.Sleep(1);
            }
        }, TaskCreationOptions.LongRunning);
        return stop;
    }
}

// Online defragmentation: copies the tree as one read transaction sees it into a new file, in
// key order with full pages, committing every few megabytes. Only a read transaction is held, so
// readers and the writer carry on meanwhile (etcd's defrag stops both for the whole copy); the
// caller decides how to catch the copy up with writes made after the snapshot, and when to swap.
namespace FastKv.Bolt;

public sealed record CompactionResult(string Path, ulong SnapshotTxid, long SizeBefore, long SizeAfter, long Keys, long Buckets);

public static class Compaction
{
    /// <summary>Bytes of keys and values copied per write transaction of the new file.</summary>
    public const long DefaultBatchBytes = 4 * 1024 * 1024;

    public static CompactionResult CompactTo(this BoltDb source, string path, long batchBytes = DefaultBatchBytes)
    {
        if (File.Exists(path)) throw new IOException($"{path} already exists; compaction writes a new file and never overwrites one");
        using var snapshot = source.BeginRead();
        long sizeBefore = new FileInfo(source.Path).Length;
        long keys = 0, buckets = 0;
        string temp = path + ".compacting";
        File.Delete(temp);
        long highWater;
        try
        {
            using (var target = BoltDb.Open(temp, new BoltOptions
                   {
                       NoSync = true, // one fdatasync at the end covers the whole copy
                       NoFreelistSync = source.Options.NoFreelistSync,
                       PageSize = source.PageSize,
                   }))
            {
                using var writer = new BatchWriter(target, batchBytes);
                CopyBucket(snapshot.Root, [], writer, ref keys, ref buckets);
                writer.Finish(snapshot.Root.Sequence);
                highWater = (long)target.CurrentMeta.Pgid * source.PageSize;
            }
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
        using (var file = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite))
        {
            // The file grew ahead of need while being written; the copy needs only its pages.
            file.SetLength(highWater);
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path);
        return new CompactionResult(path, snapshot.Id, sizeBefore, new FileInfo(path).Length, keys, buckets);
    }

    private static void CopyBucket(Bucket from, List<byte[]> path, BatchWriter writer, ref long keys, ref long buckets)
    {
        var c = from.Cursor();
        byte[]? previous = null;
        for (bool ok = c.First(out var k, out var v); ok; ok = c.Next(out k, out v))
        {
            // A damaged tree (a page referenced twice, a misplaced subtree) shows up as keys out of
            // order; copying it would silently duplicate or drop keys.
            if (previous is not null && k.SequenceCompareTo(previous) <= 0)
                throw new BoltCorruptionException(
                    $"keys out of order in bucket {Describe(path)} after {Convert.ToHexString(previous)}: the tree is damaged, compaction refused");
            previous = k.ToArray();
            if (c.IsBucket)
            {
                var child = from.GetBucket(k)!;
                path.Add(k.ToArray());
                writer.CreateBucket(path, child.Sequence);
                buckets++;
                CopyBucket(child, path, writer, ref keys, ref buckets);
                path.RemoveAt(path.Count - 1);
                continue;
            }
            writer.Put(path, k, v);
            keys++;
        }
    }

    private static string Describe(List<byte[]> path) =>
        path.Count == 0 ? "(root)" : string.Join("/", path.Select(p => System.Text.Encoding.UTF8.GetString(p)));

    /// <summary>Writes into the new file in bounded transactions, reopening the bucket path after each commit.</summary>
    private sealed class BatchWriter(BoltDb target, long batchBytes) : IDisposable
    {
        private Tx? _tx;
        private Bucket? _bucket;
        private List<byte[]>? _bucketPath;
        private long _pending;

        private Tx Tx => _tx ??= target.BeginWrite();

        public void CreateBucket(List<byte[]> path, ulong sequence)
        {
            var parent = Resolve(path, path.Count - 1);
            var created = parent is null ? Tx.CreateBucket(path[^1]) : parent.CreateBucket(path[^1]);
            created.FillPercent = 1.0;
            if (sequence != 0) created.SetSequence(sequence);
            Account(path[^1].Length);
        }

        public void Put(List<byte[]> path, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
        {
            if (path.Count == 0) throw new BoltCorruptionException("a plain key at the top level: only buckets may live in the root");
            if (_bucket is null || !SamePath(path)) Open(path);
            _bucket!.Put(key, value);
            Account(key.Length + value.Length);
        }

        private void Open(List<byte[]> path)
        {
            _bucket = Resolve(path, path.Count)!;
            _bucket.FillPercent = 1.0;
            _bucketPath = path.Select(p => p).ToList();
        }

        private bool SamePath(List<byte[]> path) =>
            _bucketPath is not null && _bucketPath.Count == path.Count &&
            _bucketPath.Zip(path).All(pair => ReferenceEquals(pair.First, pair.Second) || pair.First.AsSpan().SequenceEqual(pair.Second));

        private Bucket? Resolve(List<byte[]> path, int depth)
        {
            Bucket? b = null;
            for (int i = 0; i < depth; i++)
            {
                b = (b is null ? Tx.GetBucket(path[i]) : b.GetBucket(path[i]))
                    ?? throw new BoltException("compaction lost track of a bucket it created");
                b.FillPercent = 1.0;
            }
            return b;
        }

        private void Account(long bytes)
        {
            _pending += bytes;
            if (_pending < batchBytes) return;
            Commit();
        }

        private void Commit()
        {
            _tx?.Commit();
            _tx = null;
            _bucket = null;
            _bucketPath = null;
            _pending = 0;
        }

        public void Finish(ulong rootSequence)
        {
            if (rootSequence != 0) Tx.Root.SetSequence(rootSequence);
            Commit();
        }

        /// <summary>Rolls back an unfinished batch, so the target can close after a failed copy.</summary>
        public void Dispose()
        {
            _tx?.Rollback();
            _tx = null;
        }
    }
}

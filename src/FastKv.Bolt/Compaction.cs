// Online defragmentation: copies the tree as one read transaction sees it into a new file, in
// key order with pages filled to a given percent, committing every few megabytes. Only a read
// transaction is held, so readers and the writer carry on meanwhile (etcd's defrag stops both for
// the whole copy); the caller decides how to catch the copy up with writes made after the
// snapshot, and when to swap.
namespace FastKv.Bolt;

public sealed record CompactionResult(string Path, ulong SnapshotTxid, long SizeBefore, long SizeAfter, long Keys, long Buckets);

public static class Compaction
{
    /// <summary>Bytes of keys and values copied per write transaction of the new file.</summary>
    public const long DefaultBatchBytes = 4 * 1024 * 1024;

    /// <param name="fillPercent">How full each page of the copy is packed: 1.0 by default, as bbolt's
    /// compact does; etcd's defragmentation uses 0.9, leaving room for a few inserts before a split.</param>
    public static CompactionResult CompactTo(this BoltDb source, string path, long batchBytes = DefaultBatchBytes, double fillPercent = 1.0)
    {
        if (File.Exists(path)) throw new IOException($"{path} already exists; compaction writes a new file and never overwrites one");
        using var snapshot = source.BeginRead();
        long sizeBefore = source.FileSize;
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
                using var loader = new BulkLoader(target, batchBytes, fillPercent, snapshot.Root.Sequence);
                CopyBucket(snapshot.Root, loader, ref keys, ref buckets);
                loader.Finish();
                highWater = target.HighWaterBytes;
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
        return new CompactionResult(path, snapshot.Id, sizeBefore, highWater, keys, buckets);
    }

    private static void CopyBucket(Bucket from, BulkLoader loader, ref long keys, ref long buckets)
    {
        var c = from.Cursor();
        byte[]? previous = null;
        for (bool ok = c.First(out var k, out var v); ok; ok = c.Next(out k, out v))
        {
            // A damaged tree (a page referenced twice, a misplaced subtree) shows up as keys out of
            // order; copying it would silently duplicate or drop keys.
            if (previous is not null && k.SequenceCompareTo(previous) <= 0)
                throw new BoltCorruptionException(
                    $"keys out of order in bucket {Describe(loader.Path)} after {Convert.ToHexString(previous)}: the tree is damaged, compaction refused");
            previous = k.ToArray();
            if (c.IsBucket)
            {
                var child = from.GetBucket(k)!;
                loader.EnterBucket(k, child.Sequence, out _);
                buckets++;
                CopyBucket(child, loader, ref keys, ref buckets);
                loader.ExitBucket();
                continue;
            }
            if (loader.Depth == 0) throw new BoltCorruptionException("a plain key at the top level: only buckets may live in the root");
            loader.Put(k, v);
            keys++;
        }
    }

    private static string Describe(IReadOnlyList<byte[]> path) =>
        path.Count == 0 ? "(root)" : string.Join("/", path.Select(p => System.Text.Encoding.UTF8.GetString(p)));
}

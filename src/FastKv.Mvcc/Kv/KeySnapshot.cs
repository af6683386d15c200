// A frozen view of the `key` bucket for scans done without the key space's lock (hashing,
// watch catch-up): a read transaction on the committed file and the writes that were pending
// when it began (their arena pinned until the snapshot is disposed). Pending writes that the transaction already shows (a commit
// raced the snapshot) are skipped, because every pending revision is newer than the file's.
using FastKv.Bolt;
using FastKv.Mvcc.Storage;

namespace FastKv.Mvcc.Kv;

internal delegate void RevisionVisitor(Revision rev, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value);

internal sealed class KeySnapshot(Tx tx, (Revision Rev, bool Tombstone, ReadOnlyMemory<byte> Value)[] pending, PendingArena? pinned, long revision, long current, long compact, HashSet<Revision>? keep) : IDisposable
{
    public long Revision { get; } = revision;
    public long Current { get; } = current;
    public long Compact { get; } = compact;
    public HashSet<Revision>? Keep { get; } = keep;

    /// <summary>Visits every stored revision with main in [from, to], in order, with its bucket key and value.</summary>
    public void ForEachRevision(long from, long to, RevisionVisitor visit)
    {
        var bucket = tx.GetBucket(BucketNames.Key);
        Revision newestInFile = default;
        if (bucket is not null)
        {
            var c = bucket.Cursor();
            if (c.Last(out var lastKey, out _)) Kv.Revision.TryParse(lastKey, out newestInFile, out _);
            Span<byte> seek = stackalloc byte[Kv.Revision.KeySize];
            new Revision(from, 0).Write(seek);
            for (bool ok = c.Seek(seek, out var k, out var v); ok; ok = c.Next(out k, out v))
            {
                if (!Kv.Revision.TryParse(k, out var rev, out _)) continue;
                if (rev.Main > to) return;
                visit(rev, k, v);
            }
        }
        Span<byte> keyBytes = stackalloc byte[Kv.Revision.TombstoneKeySize];
        foreach (var (rev, tomb, value) in pending)
        {
            if (rev <= newestInFile || rev.Main < from) continue;
            if (rev.Main > to) return;
            int n = rev.Write(keyBytes, tomb);
            visit(rev, keyBytes[..n], value.Span);
        }
    }

    public void Dispose()
    {
        tx.Dispose();
        Interlocked.Exchange(ref pinned, null)?.Release();
    }
}

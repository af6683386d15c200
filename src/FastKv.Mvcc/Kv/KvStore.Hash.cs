// Hash and HashKV, the checksums members compare to detect divergence. HashKV covers the
// `key` bucket as a compaction at the current compact revision leaves it, up to a revision,
// so members that compacted at different moments still agree; Hash covers the whole file.
using FastKv.Api;
using FastKv.Bolt;
using FastKv.Mvcc.Storage;

namespace FastKv.Mvcc.Kv;

public sealed partial class KvStore
{
    /// <summary>
    /// CRC-32C of every bucket name and key/value in the page file except meta/consistent_index
    /// (etcd's Hash). Apply thread: it commits the open batch first, as etcd does.
    /// </summary>
    public KvHash Hash()
    {
        _backend.Commit();
        var crc = new Crc32Castagnoli();
        using var tx = _backend.BeginRead();
        var buckets = tx.Cursor();
        for (bool ok = buckets.First(out var name, out _); ok; ok = buckets.Next(out name, out _))
        {
            var bucket = tx.GetBucket(name);
            if (bucket is null) continue;
            crc.Append(name);
            bool isMeta = name.SequenceEqual(BucketNames.Meta);
            var c = bucket.Cursor();
            for (bool more = c.First(out var k, out var v); more; more = c.Next(out k, out v))
            {
                if (isMeta && k.SequenceEqual("consistent_index"u8)) continue;
                crc.Append(k);
                crc.Append(v);
            }
        }
        return new KvHash(crc.Value, CompactRevision, CurrentRevision);
    }

    /// <summary>
    /// CRC-32C of "key" and every key/value of revisions at or below <paramref name="revision"/>
    /// (0: current) that compaction keeps (etcd's HashKV). Any thread.
    /// </summary>
    public KvHash HashKV(long revision)
    {
        var snap = TakeSnapshot(revision, computeKeep: true);
        try
        {
            var crc = new Crc32Castagnoli();
            crc.Append(BucketNames.Key);
            long lower = snap.Compact;
            snap.ForEachRevision(0, snap.Revision, (rev, key, value) =>
            {
                // etcd hashes every old revision when nothing is kept, which makes the answer
                // depend on how far the sweep has got; skipping them always keeps it stable.
                if (rev.Main <= lower && !snap.Keep!.Contains(rev)) return;
                crc.Append(key);
                crc.Append(value);
            });
            return new KvHash(crc.Value, snap.Compact, snap.Current);
        }
        finally { snap.Dispose(); }
    }

    // A consistent view of the key bucket for long scans that must not hold the lock: a read
    // transaction on the committed file plus the pending writes at the same moment.
    private KeySnapshot TakeSnapshot(long revision, bool computeKeep)
    {
        _lock.EnterReadLock();
        try
        {
            long compact = _compactRevision, current = _currentRevision;
            if (revision > 0 && revision <= compact) throw EtcdErrors.Compacted();
            if (revision > current) throw EtcdErrors.FutureRevision();
            long rev = revision > 0 ? revision : current;
            HashSet<Revision>? keep = null;
            if (computeKeep)
            {
                keep = [];
                foreach (var ki in _index.All()) ki.Compact(rev, keep, apply: false);
            }
            var tx = _backend.BeginRead();
            var pending = new (Revision, bool, ReadOnlyMemory<byte>)[_pending.Count];
            for (int i = 0; i < pending.Length; i++) pending[i] = _pending.Ordered[i];
            // The snapshot reads the pending values after the lock, so it keeps their arena until disposed.
            return new KeySnapshot(tx, pending, pending.Length > 0 ? _pending.Pin() : null, rev, current, compact, keep);
        }
        finally { _lock.ExitReadLock(); }
    }
}

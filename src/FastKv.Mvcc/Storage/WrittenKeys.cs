// The keys the writer changed since a defragmentation took its snapshot, bucket by bucket: what
// the new file has to catch up on. The writer thread records into the open batch's list; once the
// batch has committed (its values are visible to readers) the keys move to the committed set,
// which the defragmenter takes from another thread. Taking happens before the defragmenter opens
// the read transaction it copies values from, so every key taken is visible with its new value.
using System.Runtime.InteropServices;
using FastKv.Bolt;

namespace FastKv.Mvcc.Storage;

internal sealed class WrittenKeys
{
    // Writer thread only: the open batch's writes, with bucket names interned so recording a
    // write allocates only the copy of its key.
    private readonly List<(byte[] Bucket, byte[] Key)> _batch = [];
    private readonly List<byte[]> _bucketNames = [];

    private readonly Lock _gate = new();
    private Dictionary<byte[], HashSet<byte[]>> _committed = NewSet();
    private int _committedCount;

    private static Dictionary<byte[], HashSet<byte[]>> NewSet() => new(ByteArrayComparer.Instance);

    /// <summary>Writer thread: a put or delete went into the open batch.</summary>
    public void Record(ReadOnlySpan<byte> bucket, ReadOnlySpan<byte> key) =>
        _batch.Add((Intern(bucket), key.ToArray()));

    /// <summary>Writer thread: the open batch committed, so its keys now have visible values.</summary>
    public void BatchCommitted()
    {
        if (_batch.Count == 0) return;
        lock (_gate)
        {
            foreach (var (bucket, key) in CollectionsMarshal.AsSpan(_batch))
            {
                ref var keys = ref CollectionsMarshal.GetValueRefOrAddDefault(_committed, bucket, out _);
                keys ??= new HashSet<byte[]>(ByteArrayComparer.Instance);
                if (keys.Add(key)) _committedCount++;
            }
        }
        _batch.Clear();
    }

    /// <summary>Distinct keys committed since the last <see cref="TakeCommitted"/>.</summary>
    public int CommittedCount
    {
        get { lock (_gate) return _committedCount; }
    }

    /// <summary>Hands over the committed keys and starts a new set.</summary>
    public Dictionary<byte[], HashSet<byte[]>> TakeCommitted()
    {
        lock (_gate)
        {
            var taken = _committed;
            _committed = NewSet();
            _committedCount = 0;
            return taken;
        }
    }

    private byte[] Intern(ReadOnlySpan<byte> bucket)
    {
        foreach (var name in CollectionsMarshal.AsSpan(_bucketNames))
            if (bucket.SequenceEqual(name)) return name;
        var added = bucket.ToArray();
        _bucketNames.Add(added);
        return added;
    }
}

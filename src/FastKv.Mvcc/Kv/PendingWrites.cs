// The key bucket's writes that are applied but not yet in a committed page-file batch.
// Readers on other threads see the last committed batch plus these, which is how a read
// observes every applied revision without waiting for a commit (etcd's read buffer).
// Guarded by the key space's reader/writer lock; emptied when the batch commits.
namespace FastKv.Mvcc.Kv;

internal sealed class PendingWrites
{
    private readonly Dictionary<Revision, byte[]> _values = [];
    private readonly List<(Revision Rev, bool Tombstone, byte[] Value)> _ordered = [];

    public int Count => _ordered.Count;

    public void Add(Revision rev, bool tombstone, byte[] value)
    {
        _values[rev] = value;
        _ordered.Add((rev, tombstone, value));
    }

    public bool TryGet(Revision rev, out byte[] value) => _values.TryGetValue(rev, out value!);

    /// <summary>Writes in revision order (every pending revision is newer than every committed one).</summary>
    public IReadOnlyList<(Revision Rev, bool Tombstone, byte[] Value)> Ordered => _ordered;

    public Revision? Oldest => _ordered.Count == 0 ? null : _ordered[0].Rev;

    public void Clear()
    {
        _values.Clear();
        _ordered.Clear();
    }
}

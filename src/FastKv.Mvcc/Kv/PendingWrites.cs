// The key bucket's writes that are applied but not yet in a committed page-file batch.
// Readers on other threads see the last committed batch plus these, which is how a read
// observes every applied revision without waiting for a commit (etcd's read buffer).
// Guarded by the key space's reader/writer lock; emptied when the batch commits. The values
// live in a PendingArena per batch, reused once no reader holds it, so a write allocates
// nothing; a reader that uses a value after leaving the lock pins the arena first.
namespace FastKv.Mvcc.Kv;

internal sealed class PendingWrites
{
    private readonly Dictionary<Revision, ReadOnlyMemory<byte>> _values = [];
    private readonly List<(Revision Rev, bool Tombstone, ReadOnlyMemory<byte> Value)> _ordered = [];
    private readonly Stack<PendingArena> _free = new();
    private readonly Lock _freeGate = new();
    private readonly Action<PendingArena> _onFree;
    private PendingArena _arena;

    public PendingWrites()
    {
        _onFree = Free;
        _arena = Take();
    }

    public int Count => _ordered.Count;

    /// <summary>Apply thread, writer lock held: room for a value that <see cref="Add"/> then records.</summary>
    public Memory<byte> Reserve(int length) => _arena.Reserve(length);

    public void Add(Revision rev, bool tombstone, ReadOnlyMemory<byte> value)
    {
        _values[rev] = value;
        _ordered.Add((rev, tombstone, value));
    }

    /// <summary>The pending value of a revision; readable while the lock is held, or after it while the arena is pinned.</summary>
    public bool TryGet(Revision rev, out ReadOnlyMemory<byte> value) => _values.TryGetValue(rev, out value);

    /// <summary>Keeps the current values readable after the lock is left; give it back with <see cref="PendingArena.Release"/>.</summary>
    public PendingArena Pin()
    {
        _arena.AddRef();
        return _arena;
    }

    /// <summary>Writes in revision order (every pending revision is newer than every committed one).</summary>
    public IReadOnlyList<(Revision Rev, bool Tombstone, ReadOnlyMemory<byte> Value)> Ordered => _ordered;

    public Revision? Oldest => _ordered.Count == 0 ? null : _ordered[0].Rev;

    /// <summary>Writer lock held: the batch committed; its arena is reused once its readers are done.</summary>
    public void Clear()
    {
        _values.Clear();
        _ordered.Clear();
        // Released first, so with no reader holding it the same arena (and its chunks) serves the next batch.
        _arena.Release();
        _arena = Take();
    }

    private PendingArena Take()
    {
        PendingArena? arena;
        lock (_freeGate) _free.TryPop(out arena);
        arena ??= new PendingArena(_onFree);
        arena.Open();
        return arena;
    }

    private void Free(PendingArena arena)
    {
        lock (_freeGate) _free.Push(arena);
    }
}

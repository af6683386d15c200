// A bump allocator of entries for one ready batch: messages and committed-entry lists copy their
// entries here so they stay valid until Advance whatever the log does meanwhile. Two arenas
// alternate (one filling, one held by the outstanding batch), so steady state allocates nothing.
namespace FastKv.Raft;

internal sealed class EntryArena
{
    private Entry[] _buf = new Entry[1024];
    private int _used;

    public ReadOnlyMemory<Entry> Copy(ReadOnlySpan<Entry> ents)
    {
        if (ents.Length == 0) return ReadOnlyMemory<Entry>.Empty;
        if (_used + ents.Length > _buf.Length)
        {
            // Earlier slices keep the old array alive; the new one is sized for the larger batches seen.
            _buf = new Entry[Math.Max(_buf.Length * 2, ents.Length * 2)];
            _used = 0;
        }
        var mem = new Memory<Entry>(_buf, _used, ents.Length);
        ents.CopyTo(mem.Span);
        _used += ents.Length;
        return mem;
    }

    public void Reset()
    {
        Array.Clear(_buf, 0, _used);
        _used = 0;
    }
}

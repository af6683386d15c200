// The tail of the log (and possibly an incoming snapshot) that the host has not yet made durable.
// Entries live in one array; a ready batch exposes a slice of it to the host until Advance, so
// slots already exposed are never overwritten in place (a conflicting append copies to a new array),
// and the array is compacted only when nothing is exposed. Steady state allocates nothing.
namespace FastKv.Raft;

internal sealed class Unstable
{
    private Entry[] _buf = new Entry[256];
    private int _start;
    private int _count;
    private int _exposedEnd; // buffer positions below this are visible in an outstanding ready batch

    public Snapshot? Snapshot;

    // Index of the first entry held (whether or not there are any).
    public ulong Offset;

    public int Count => _count;

    public ReadOnlySpan<Entry> Span => _buf.AsSpan(_start, _count);

    public ulong? MaybeFirstIndex() => Snapshot is null ? null : Snapshot.Index + 1;

    public ulong? MaybeLastIndex()
    {
        if (_count > 0) return Offset + (ulong)_count - 1;
        if (Snapshot is not null) return Snapshot.Index;
        return null;
    }

    public bool MaybeTerm(ulong i, out ulong term)
    {
        term = 0;
        if (i < Offset)
        {
            if (Snapshot is not null && Snapshot.Index == i) { term = Snapshot.Term; return true; }
            return false;
        }
        var last = MaybeLastIndex();
        if (last is null || i > last.Value) return false;
        term = _buf[_start + (int)(i - Offset)].Term;
        return true;
    }

    // Entries [lo, hi) which must lie within the unstable range; valid until the next mutation.
    public ReadOnlySpan<Entry> Slice(ulong lo, ulong hi)
    {
        if (lo < Offset || hi > Offset + (ulong)_count || lo > hi)
            throw new InvalidOperationException($"unstable slice [{lo},{hi}) out of bounds [{Offset},{Offset + (ulong)_count})");
        return _buf.AsSpan(_start + (int)(lo - Offset), (int)(hi - lo));
    }

    // All entries, as memory the host may hold until ReleaseExposure.
    public ReadOnlyMemory<Entry> Expose()
    {
        _exposedEnd = Math.Max(_exposedEnd, _start + _count);
        return new ReadOnlyMemory<Entry>(_buf, _start, _count);
    }

    public void ReleaseExposure()
    {
        _exposedEnd = 0;
        if (_count == 0) { _start = 0; return; }
        if (_start > _buf.Length / 2)
        {
            Array.Copy(_buf, _start, _buf, 0, _count);
            Array.Clear(_buf, _count, _start);
            _start = 0;
        }
    }

    // The entries up to (i, t) are durable: forget them, unless they were replaced meanwhile.
    public void StableTo(ulong i, ulong t)
    {
        if (!MaybeTerm(i, out var gt) || gt != t || i < Offset) return;
        int drop = (int)(i + 1 - Offset);
        if (_exposedEnd == 0) Array.Clear(_buf, _start, drop);
        _start += drop;
        _count -= drop;
        Offset = i + 1;
    }

    public void StableSnapTo(ulong i)
    {
        if (Snapshot is not null && Snapshot.Index == i) Snapshot = null;
    }

    public void Restore(Snapshot s)
    {
        Offset = s.Index + 1;
        _buf = new Entry[_buf.Length];
        _start = 0;
        _count = 0;
        _exposedEnd = 0;
        Snapshot = s;
    }

    // Appends entries whose first index is at most one past the last, dropping any suffix they replace.
    public void TruncateAndAppend(ReadOnlySpan<Entry> ents)
    {
        if (ents.Length == 0) return;
        ents.CopyTo(PrepareAppend(ents[0].Index, ents.Length));
    }

    // Makes room for n entries starting at index `after`, dropping any suffix from there on, and
    // returns the slots for the caller to fill.
    public Span<Entry> PrepareAppend(ulong after, int n)
    {
        int keep;
        if (after == Offset + (ulong)_count)
        {
            keep = _count;
        }
        else if (after <= Offset)
        {
            // Replaces everything held; the log before `after` is in storage.
            Offset = after;
            keep = 0;
        }
        else
        {
            keep = (int)(after - Offset);
        }
        int need = keep + n;
        bool overwritesExposed = _start + keep < _exposedEnd;
        if (overwritesExposed || _start + need > _buf.Length)
        {
            if (!overwritesExposed && _exposedEnd == 0 && need <= _buf.Length / 2)
            {
                // Slide the live entries down over the stable prefix.
                Array.Copy(_buf, _start, _buf, 0, keep);
                Array.Clear(_buf, keep, _start + _count - keep);
            }
            else
            {
                var nb = new Entry[Math.Max(256, Math.Max(_buf.Length, need * 2))];
                Array.Copy(_buf, _start, nb, 0, keep);
                _buf = nb;
                _exposedEnd = 0;
            }
            _start = 0;
        }
        else if (keep < _count)
        {
            Array.Clear(_buf, _start + keep, _count - keep);
        }
        _count = need;
        return _buf.AsSpan(_start + keep, n);
    }
}

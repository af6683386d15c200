// An in-memory IRaftStorage: the durable state of tests, simulators and benchmarks. Entries sit in
// one array after a dummy slot holding the snapshot position; compaction moves the start forward
// and appends reuse the freed space, so a steady workload allocates nothing.
namespace FastKv.Raft;

public sealed class MemoryStorage : IRaftStorage
{
    private Entry[] _buf = new Entry[256];
    private int _start;      // position of the dummy entry (snapshot index/term)
    private int _count = 1;  // entries including the dummy
    private Snapshot _snapshot = FastKv.Raft.Snapshot.Empty;

    public HardState HardState { get; private set; }

    public (HardState HardState, ConfState ConfState) InitialState() => (HardState, _snapshot.ConfState);

    public void SetHardState(HardState hs) => HardState = hs;

    private ulong Offset => _buf[_start].Index;

    public ulong FirstIndex() => Offset + 1;

    public ulong LastIndex() => Offset + (ulong)_count - 1;

    public Snapshot Snapshot() => _snapshot;

    Snapshot? IRaftStorage.Snapshot() => _snapshot;

    public StorageResult Term(ulong i, out ulong term)
    {
        term = 0;
        var off = Offset;
        if (i < off) return StorageResult.Compacted;
        if (i - off >= (ulong)_count) return StorageResult.Unavailable;
        term = _buf[_start + (int)(i - off)].Term;
        return StorageResult.Ok;
    }

    public StorageResult Entries(ulong lo, ulong hi, long maxSize, out ReadOnlyMemory<Entry> entries)
    {
        entries = default;
        var off = Offset;
        if (lo <= off) return StorageResult.Compacted;
        if (hi > LastIndex() + 1) throw new ArgumentOutOfRangeException(nameof(hi), $"entries [{lo},{hi}) beyond last index {LastIndex()}");
        int from = _start + (int)(lo - off);
        int n = (int)(hi - lo);
        entries = new ReadOnlyMemory<Entry>(_buf, from, LimitSize(_buf.AsSpan(from, n), maxSize));
        return StorageResult.Ok;
    }

    internal static int LimitSize(ReadOnlySpan<Entry> ents, long maxSize)
    {
        if (ents.Length == 0) return 0;
        long size = ents[0].Size;
        int i = 1;
        for (; i < ents.Length; i++)
        {
            size += ents[i].Size;
            if (size > maxSize) break;
        }
        return i;
    }

    // Replaces everything with the snapshot: the log restarts right after it.
    public void ApplySnapshot(Snapshot snap)
    {
        if (snap.Index < _snapshot.Index) throw new InvalidOperationException($"snapshot {snap.Index} is older than {_snapshot.Index}");
        _snapshot = snap;
        _buf = new Entry[Math.Max(256, _buf.Length)];
        _start = 0;
        _count = 1;
        _buf[0] = new Entry(snap.Term, snap.Index, EntryType.Normal, default);
    }

    // Records a snapshot the application made at index i (which must be applied) and drops the log before it.
    public Snapshot CreateSnapshot(ulong i, ConfState cs, ReadOnlyMemory<byte> data)
    {
        if (i <= _snapshot.Index) return _snapshot;
        if (i > LastIndex()) throw new ArgumentOutOfRangeException(nameof(i), $"snapshot {i} beyond last index {LastIndex()}");
        Term(i, out var t);
        _snapshot = new Snapshot(i, t, cs, data);
        return _snapshot;
    }

    // Discards entries before index compactIndex; compactIndex becomes the dummy position.
    public void Compact(ulong compactIndex)
    {
        var off = Offset;
        if (compactIndex <= off) return;
        if (compactIndex > LastIndex()) throw new ArgumentOutOfRangeException(nameof(compactIndex), $"compact {compactIndex} beyond last index {LastIndex()}");
        int drop = (int)(compactIndex - off);
        var t = _buf[_start + drop].Term;
        // Clear payload references so pooled buffers can be reclaimed.
        Array.Clear(_buf, _start, drop);
        _start += drop;
        _count -= drop;
        _buf[_start] = new Entry(t, compactIndex, EntryType.Normal, default);
    }

    // Appends entries, overwriting any conflicting suffix.
    public void Append(ReadOnlySpan<Entry> ents)
    {
        if (ents.Length == 0) return;
        var first = FirstIndex();
        var last = ents[^1].Index;
        if (last < first) return; // all already compacted
        if (first > ents[0].Index) ents = ents[(int)(first - ents[0].Index)..];
        var off = Offset;
        ulong at = ents[0].Index - off;
        if (at > (ulong)_count) throw new InvalidOperationException($"missing log entry [last: {LastIndex()}, append at: {ents[0].Index}]");
        int keep = (int)at;
        int need = keep + ents.Length;
        int oldEnd = _start + _count;
        if (_start + need > _buf.Length)
        {
            if (need <= _buf.Length / 2)
            {
                // Enough room once the compacted prefix is reclaimed: slide the live entries down.
                Array.Copy(_buf, _start, _buf, 0, keep);
            }
            else
            {
                var nb = new Entry[Math.Max(need * 2, 256)];
                Array.Copy(_buf, _start, nb, 0, keep);
                _buf = nb;
                oldEnd = 0;
            }
            _start = 0;
        }
        ents.CopyTo(_buf.AsSpan(_start + keep));
        int newEnd = _start + need;
        if (oldEnd > newEnd) Array.Clear(_buf, newEnd, oldEnd - newEnd);
        _count = need;
    }
}

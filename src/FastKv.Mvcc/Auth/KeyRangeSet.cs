// A union of key ranges, kept as sorted, disjoint, non-touching half-open intervals so that
// "is [begin, end) entirely permitted" is one binary search. An open end (null) reaches past
// every key. A single key k is the interval [k, k+"\0"), so keys and ranges merge naturally.
namespace FastKv.Mvcc.Auth;

internal sealed class KeyRangeSet
{
    private readonly List<(byte[] Begin, byte[]? End)> _ranges = [];

    public int Count => _ranges.Count;

    /// <summary>The successor of a key in byte order: the interval end of a single-key range.</summary>
    public static byte[] KeySuccessor(ReadOnlySpan<byte> key)
    {
        var end = new byte[key.Length + 1];
        key.CopyTo(end);
        return end;
    }

    /// <summary>Adds [begin, end) (end null = open); an empty interval adds nothing.</summary>
    public void Add(byte[] begin, byte[]? end)
    {
        if (end is not null && Compare(begin, end) >= 0) return;
        // Find every stored interval that overlaps or touches the new one and merge them.
        var first = LowerBound(begin);
        var newBegin = begin;
        var newEnd = end;
        var last = first;
        while (last < _ranges.Count && (newEnd is null || Compare(_ranges[last].Begin, newEnd) <= 0))
        {
            var r = _ranges[last];
            if (Compare(r.Begin, newBegin) < 0) newBegin = r.Begin;
            if (newEnd is not null && (r.End is null || Compare(r.End, newEnd) > 0)) newEnd = r.End;
            last++;
        }
        _ranges.RemoveRange(first, last - first);
        _ranges.Insert(first, (newBegin, newEnd));
    }

    /// <summary>True when every key of [begin, end) is in the set (end null = open). An empty interval is contained.</summary>
    public bool Contains(ReadOnlySpan<byte> begin, ReadOnlySpan<byte> end, bool openEnd)
    {
        if (!openEnd && begin.SequenceCompareTo(end) >= 0) return true;
        // The last interval starting at or before begin is the only candidate (intervals never touch).
        int lo = 0, hi = _ranges.Count - 1, candidate = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_ranges[mid].Begin.AsSpan().SequenceCompareTo(begin) <= 0)
            {
                candidate = mid;
                lo = mid + 1;
            }
            else hi = mid - 1;
        }
        if (candidate < 0) return false;
        var stored = _ranges[candidate].End;
        if (stored is null) return true;
        if (openEnd) return false;
        return end.SequenceCompareTo(stored) <= 0;
    }

    /// <summary>True when the single key is in the set.</summary>
    public bool ContainsKey(ReadOnlySpan<byte> key)
    {
        int lo = 0, hi = _ranges.Count - 1, candidate = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_ranges[mid].Begin.AsSpan().SequenceCompareTo(key) <= 0)
            {
                candidate = mid;
                lo = mid + 1;
            }
            else hi = mid - 1;
        }
        if (candidate < 0) return false;
        var stored = _ranges[candidate].End;
        return stored is null || key.SequenceCompareTo(stored) < 0;
    }

    // First interval whose end is at or after begin (it may touch or overlap the new interval).
    private int LowerBound(byte[] begin)
    {
        int lo = 0, hi = _ranges.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            var end = _ranges[mid].End;
            if (end is not null && Compare(end, begin) < 0) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private static int Compare(byte[] a, byte[] b) => a.AsSpan().SequenceCompareTo(b);
}

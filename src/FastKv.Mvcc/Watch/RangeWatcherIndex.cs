// Synced watchers on key ranges, found by the key of an event. Watchers on the same range share
// one bucket, so the structure holds distinct ranges only (a cluster has few: kube-apiserver
// watches one prefix per resource). The ranges sit sorted by start and are searched as an
// implicit balanced tree whose nodes carry the largest end of their subtree, which makes a stab
// O(log n + matches). The subtree maxima are recomputed lazily after ranges come or go.
namespace FastKv.Mvcc.Watch;

internal sealed class RangeWatcherIndex
{
    private sealed class RangeBucket(byte[] start, byte[] end)
    {
        public readonly byte[] Start = start;
        public readonly byte[] End = end;
        public readonly List<Watcher> Watchers = [];
    }

    private readonly List<RangeBucket> _sorted = [];
    private byte[][] _subtreeMaxEnd = [];
    private bool _dirty;

    public int RangeCount => _sorted.Count;

    public void Add(Watcher watcher)
    {
        var end = watcher.RangeEnd!;
        int at = Find(watcher.Key, end);
        RangeBucket bucket;
        if (at >= 0)
        {
            bucket = _sorted[at];
        }
        else
        {
            bucket = new RangeBucket(watcher.Key, end);
            _sorted.Insert(~at, bucket);
            _dirty = true;
        }
        watcher.IndexSlot = bucket.Watchers.Count;
        bucket.Watchers.Add(watcher);
    }

    public void Remove(Watcher watcher)
    {
        int at = Find(watcher.Key, watcher.RangeEnd!);
        if (at < 0) return;
        var list = _sorted[at].Watchers;
        WatcherBuckets.SwapRemove(list, watcher);
        if (list.Count == 0)
        {
            _sorted.RemoveAt(at);
            _dirty = true;
        }
    }

    /// <summary>Adds the bucket of every range containing <paramref name="key"/> to <paramref name="into"/>.</summary>
    public void CollectContaining(ReadOnlySpan<byte> key, List<List<Watcher>> into)
    {
        if (_sorted.Count == 0) return;
        if (_dirty) Rebuild();
        Stab(0, _sorted.Count, key, into);
    }

    private void Stab(int lo, int hi, ReadOnlySpan<byte> key, List<List<Watcher>> into)
    {
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (!KeyBytes.EndsAfter(_subtreeMaxEnd[mid], key)) return;
            Stab(lo, mid, key, into);
            var bucket = _sorted[mid];
            // Starts are sorted: this node and everything right of it begin after the key.
            if (KeyBytes.Compare(bucket.Start, key) > 0) return;
            if (KeyBytes.EndsAfter(bucket.End, key)) into.Add(bucket.Watchers);
            lo = mid + 1;
        }
    }

    private void Rebuild()
    {
        if (_subtreeMaxEnd.Length < _sorted.Count)
            _subtreeMaxEnd = new byte[Math.Max(_sorted.Count, _subtreeMaxEnd.Length * 2)][];
        if (_sorted.Count > 0) FillMaxEnd(0, _sorted.Count);
        _dirty = false;
    }

    private byte[] FillMaxEnd(int lo, int hi)
    {
        int mid = (lo + hi) >>> 1;
        var max = _sorted[mid].End;
        if (lo < mid)
        {
            var left = FillMaxEnd(lo, mid);
            if (KeyBytes.CompareEnds(left, max) > 0) max = left;
        }
        if (mid + 1 < hi)
        {
            var right = FillMaxEnd(mid + 1, hi);
            if (KeyBytes.CompareEnds(right, max) > 0) max = right;
        }
        _subtreeMaxEnd[mid] = max;
        return max;
    }

    /// <summary>Binary search by (start, end); the complement of the insertion point when absent.</summary>
    private int Find(byte[] start, byte[] end)
    {
        int lo = 0, hi = _sorted.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            var bucket = _sorted[mid];
            int c = KeyBytes.Compare(bucket.Start, start);
            if (c == 0) c = KeyBytes.CompareEnds(bucket.End, end);
            if (c == 0) return mid;
            if (c < 0) lo = mid + 1;
            else hi = mid - 1;
        }
        return ~lo;
    }
}

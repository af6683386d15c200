// Free page ids, in memory. Pages freed by write transaction T stay pending until no open reader
// can still see them (every reader's txid >= T); only then do they become allocatable. The
// writer is the only caller, under the database's writer lock. A write transaction in steady state
// allocates nothing here: pending lists, the release scratch and the merge reuse their storage.
// The allocatable ids are kept in descending order: placement (PagePlacement) takes the lowest runs,
// which then leave from the end of the list without moving the rest of it (it can hold hundreds of
// thousands of ids).
using System.Runtime.InteropServices;

namespace FastKv.Bolt;

internal sealed class Freelist
{
    internal const int FindRunScanLimit = 8192;
    private readonly List<ulong> _free = new();                        // descending, allocatable
    // txid -> ids freed by it, oldest first: a transaction's txid exceeds every earlier one's, so a
    // new entry goes at the end, release takes from the front and rollback drops the last.
    private readonly List<(ulong Txid, List<ulong> Ids)> _pending = new();
    private readonly Stack<List<ulong>> _spareLists = new();
    private readonly List<ulong> _released = new();
    private readonly HashSet<ulong> _known = new();                    // free ∪ pending, to refuse double frees
    private readonly List<(ulong Start, int Count)> _allocatedThisTx = new();

    public int FreeCount => _free.Count;
    public int PendingCount { get; private set; }
    public int Count => _free.Count + PendingCount;

    public void Load(ReadOnlySpan<ulong> sortedIds)
    {
        _free.Clear(); _known.Clear(); PendingCount = 0;
        foreach (var (_, ids) in _pending) Recycle(ids);
        _pending.Clear();
        foreach (ulong id in sortedIds)
            if (_known.Add(id)) _free.Add(id);
        SortDescending(_free);
    }

    private static void SortDescending(List<ulong> ids)
    {
        var span = CollectionsMarshal.AsSpan(ids);
        span.Sort();
        span.Reverse();
    }

    public void BeginTx() => _allocatedThisTx.Clear();

    /// <summary>Finds where to place <paramref name="want"/> pages: the lowest free run at least that long
    /// among the lowest <paramref name="scanLimit"/> free ids (true), else the lowest free run there is (false;
    /// length 0 when nothing is free) and, in <paramref name="longest"/>, the longest run the search saw, so a
    /// caller can skip searching again for more while it only takes. Nothing is taken.</summary>
    public bool FindRun(int want, out ulong start, out int length, out int longest, int scanLimit = FindRunScanLimit)
    {
        start = 0; length = 0; longest = 0;
        var free = CollectionsMarshal.AsSpan(_free);
        if (free.Length == 0) return false;
        // From the end (the lowest id) up; a run is a stretch where each id is one more than the next.
        // Only the lowest scanLimit ids are looked at, so a huge fragmented list costs a commit
        // microseconds, not a full scan; a fit above them is missed and the lowest run used instead.
        int top = Math.Max(0, free.Length - scanLimit);   // the highest index looked at
        int runLow = free.Length - 1, first = -1;
        for (int i = free.Length - 2; ; i--)
        {
            if (i >= top && free[i] == free[i + 1] + 1) continue;
            int n = runLow - i;   // the run at indices i+1..runLow (cut at the limit)
            if (first < 0) first = n;
            if (n > longest) longest = n;
            if (n >= want)
            {
                start = free[runLow]; length = n;
                return true;
            }
            if (i < top) break;
            runLow = i;
        }
        start = free[^1]; length = first;
        return false;
    }

    /// <summary>The lowest free run: its first id and length (0 when nothing is free). Costs only its length.</summary>
    public int LowestRun(out ulong start)
    {
        var free = CollectionsMarshal.AsSpan(_free);
        start = 0;
        if (free.Length == 0) return 0;
        int i = free.Length - 1;
        while (i > 0 && free[i - 1] == free[i] + 1) i--;
        start = free[^1];
        return free.Length - i;
    }

    /// <summary>Takes the <paramref name="count"/> pages from <paramref name="start"/> if all of them are free.</summary>
    public bool TryTake(ulong start, int count)
    {
        int low = IndexOf(start);
        int high = low - (count - 1);
        if (low < 0 || high < 0 || _free[high] != start + (ulong)(count - 1)) return false;
        _free.RemoveRange(high, count);
        Take(start, count);
        return true;
    }

    /// <summary>Where <paramref name="id"/> is in the free ids, or the complement of where it would go.</summary>
    private int IndexOf(ulong id)
    {
        var free = CollectionsMarshal.AsSpan(_free);
        int lo = 0, hi = free.Length - 1;
        while (lo <= hi)
        {
            int mid = (int)((uint)(lo + hi) >> 1);
            if (free[mid] == id) return mid;
            if (free[mid] > id) lo = mid + 1;   // highest first: a bigger id sits earlier
            else hi = mid - 1;
        }
        return ~lo;
    }

    /// <summary>Gives back the tail of this transaction's allocation that was taken but never written: it
    /// held nothing of this transaction, so it is free at once (and no longer undone by a rollback).</summary>
    public void Untake(ulong start, int count)
    {
        if (count == 0) return;
        ulong end = start + (ulong)count;
        int at = _allocatedThisTx.Count - 1;
        while (at >= 0 && !(_allocatedThisTx[at].Start <= start && _allocatedThisTx[at].Start + (ulong)_allocatedThisTx[at].Count == end)) at--;
        if (at < 0) throw new InvalidOperationException($"pages {start}..{end - 1} are not the tail of an allocation of this transaction");
        var taken = _allocatedThisTx[at];
        if (taken.Start == start) _allocatedThisTx.RemoveAt(at);
        else _allocatedThisTx[at] = (taken.Start, taken.Count - count);
        int i = ~IndexOf(start);
        if (i < 0) throw new InvalidOperationException($"page {start} is free already");
        int old = _free.Count;
        CollectionsMarshal.SetCount(_free, old + count);
        var free = CollectionsMarshal.AsSpan(_free);
        free[i..old].CopyTo(free[(i + count)..]);
        for (int k = 0; k < count; k++)
        {
            free[i + k] = end - 1 - (ulong)k;
            _known.Add(end - 1 - (ulong)k);
        }
    }

    private void Take(ulong start, int count)
    {
        for (int i = 0; i < count; i++) _known.Remove(start + (ulong)i);
        _allocatedThisTx.Add((start, count));
    }

    /// <summary>Marks a page (and its overflow) freed by transaction <paramref name="txid"/>.</summary>
    public void Free(ulong txid, ulong pgid, uint overflow)
    {
        if (pgid <= 1) throw new BoltCorruptionException($"page {pgid}: a meta page cannot be freed");
        var list = PendingListOf(txid);
        for (ulong id = pgid; id <= pgid + overflow; id++)
        {
            if (!_known.Add(id))
                throw new BoltCorruptionException($"page {id}: freed twice (already free)");
            list.Add(id);
            PendingCount++;
        }
    }

    // The newest transaction's list is the usual answer; an older txid keeps the order by insertion.
    private List<ulong> PendingListOf(ulong txid)
    {
        int at = _pending.Count;
        while (at > 0 && _pending[at - 1].Txid > txid) at--;
        if (at > 0 && _pending[at - 1].Txid == txid) return _pending[at - 1].Ids;
        var list = _spareLists.TryPop(out var spare) ? spare : new List<ulong>();
        _pending.Insert(at, (txid, list));
        return list;
    }

    /// <summary>Makes pending pages of transactions up to <paramref name="maxTxid"/> allocatable.</summary>
    public void Release(ulong maxTxid)
    {
        int done = 0;
        while (done < _pending.Count && _pending[done].Txid <= maxTxid)
        {
            var ids = _pending[done].Ids;
            _released.AddRange(ids);
            PendingCount -= ids.Count;
            Recycle(ids);
            done++;
        }
        if (done == 0) return;
        _pending.RemoveRange(0, done);
        // Merge rather than re-sort: the free list can hold hundreds of thousands of ids.
        SortDescending(_released);
        MergeInto(_free, _released);
        _released.Clear();
    }

    private void Recycle(List<ulong> ids)
    {
        ids.Clear();
        _spareLists.Push(ids);
    }

    private static void MergeInto(List<ulong> descending, List<ulong> more)
    {
        int a = descending.Count;
        descending.AddRange(more);
        var all = CollectionsMarshal.AsSpan(descending);
        if (a == 0 || all[a - 1] > all[a]) return;
        // Merge from the back (the low end) so the tail of the first run is overwritten only after it
        // was read; `more` still holds the second run intact.
        var tail = CollectionsMarshal.AsSpan(more);
        int i = a - 1, j = tail.Length - 1, k = all.Length - 1;
        while (j >= 0)
            all[k--] = i >= 0 && all[i] < tail[j] ? all[i--] : tail[j--];
    }

    /// <summary>Undoes a write transaction's frees and allocations.</summary>
    public void Rollback(ulong txid)
    {
        int at = _pending.Count - 1;
        while (at >= 0 && _pending[at].Txid != txid) at--;
        if (at >= 0)
        {
            var ids = _pending[at].Ids;
            foreach (ulong id in ids) _known.Remove(id);
            PendingCount -= ids.Count;
            _pending.RemoveAt(at);
            Recycle(ids);
        }
        foreach (var (start, count) in _allocatedThisTx)
            for (int i = 0; i < count; i++)
            {
                _free.Add(start + (ulong)i);
                _known.Add(start + (ulong)i);
            }
        if (_allocatedThisTx.Count > 0) SortDescending(_free);
        _allocatedThisTx.Clear();
    }

    /// <summary>Every free and pending id, sorted: what a persisted freelist page holds (no reader survives a reopen).</summary>
    public void CopyAll(Span<ulong> destination)
    {
        // The free ids are sorted already (highest first); only the (few) pending ones need sorting.
        // They go to the front, and the merge fills from the back with the highest ids first, so it
        // never overwrites a pending id not yet placed.
        int p = 0;
        foreach (var (_, ids) in _pending)
            foreach (ulong id in ids) destination[p++] = id;
        destination[..p].Sort();
        var free = CollectionsMarshal.AsSpan(_free);
        int i = p - 1, j = 0, k = p + free.Length - 1;
        while (j < free.Length)
            destination[k--] = i >= 0 && destination[i] > free[j] ? destination[i--] : free[j++];
    }
}

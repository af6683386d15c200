// Free page ids, in memory. Pages freed by write transaction T stay pending until no open reader
// can still see them (every reader's txid >= T); only then do they become allocatable. The
// writer is the only caller, under the database's writer lock. A write transaction in steady state
// allocates nothing here: pending lists, the release scratch and the merge reuse their storage.
// Allocation takes the lowest free pages, as bbolt does: a commit's pages then tend to fall next to
// each other, which costs the disk fewer separate writes per fdatasync. The allocatable ids are
// kept in descending order so that the lowest one sits at the end and is taken in O(1).
using System.Runtime.InteropServices;

namespace FastKv.Bolt;

internal sealed class Freelist
{
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

    public bool Contains(ulong pgid) => _known.Contains(pgid);

    public void BeginTx() => _allocatedThisTx.Clear();

    /// <summary>Takes the lowest run of <paramref name="count"/> contiguous free pages, or returns 0 when there is no such run.</summary>
    public ulong Allocate(int count)
    {
        int last = _free.Count - 1;
        if (last < 0) return 0;
        if (count == 1)
        {
            ulong id = _free[last];
            _free.RemoveAt(last);
            Take(id, 1);
            return id;
        }
        // Walk up from the lowest id; a run is a stretch of entries each one above the next.
        int runEnd = last;
        for (int i = last; i >= 0; i--)
        {
            if (i < last && _free[i] != _free[i + 1] + 1) runEnd = i;
            if (runEnd - i + 1 == count)
            {
                ulong id = _free[runEnd];
                _free.RemoveRange(i, count);
                Take(id, count);
                return id;
            }
        }
        return 0;
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

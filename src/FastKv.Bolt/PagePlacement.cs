// Where a commit's new pages go. Written scattered, each page is its own write, and on common
// disks an fdatasync costs per discontiguous region rather than per flush; so a commit reserves a
// run of page ids up front (sized from the nodes it will spill) and hands ids out from it in spill
// order, lengthening it with the free page right after it when it runs out. The run is the lowest
// free run long enough; failing that it lies past the high-water mark while free pages are scarce,
// else it is the lowest free run of any length. Taking from the low end sweeps fragments up in
// address order (their free neighbours join the run), so free space is reused and the file does not
// grow; taking the longest run instead left single pages behind until the file ballooned.
// Ids reserved but not used go back at the end of the commit: they never held its data. Large
// commits (batched loads) skip all this: for them the bookkeeping cost more than fewer runs saved.
namespace FastKv.Bolt;

internal sealed class PagePlacement
{
    // The file may grow to keep a commit contiguous only while fewer than 1 page in this many is free,
    // and fewer than GrowWhileFreeUnderPages: past that the free runs are used even if the commit is
    // split across them. The absolute cap keeps a large file's free list (which a persisted freelist
    // rewrites on every commit) to a page or so of ids. One in 16 bounds the extra file at about 6%:
    // a server then reports a size within etcd's for the same puts (at one in 8 it was 12% over).
    internal const int GrowWhileFreeUnderOneIn = 16;
    internal const int GrowWhileFreeUnderPages = 256;
    // Commits expecting more pages than this are placed page by page (see AllocateScattered).
    internal const int LargeCommitPages = 64;

    private readonly Freelist _freelist;
    private ulong _next, _end;      // the reserved run's unused part [_next, _end)
    private bool _pastHighWater;    // the run was cut from the file's end, not from free pages
    private int _expected;          // pages the commit still expects to need
    // No free run is longer than this (the commit only takes, so it stays true until the next commit):
    // a large commit in fragmented space then takes the lowest runs without searching every time.
    private int _longestFree;
    private bool _large;            // a large commit: pages go one by one to the lowest free ids

    public PagePlacement(Freelist freelist) => _freelist = freelist;

    /// <summary>Reserved ids not handed out yet; they return to the free pages (or the file's end) at <see cref="Finish"/>.</summary>
    public int Unused => (int)(_end - _next);

    /// <summary>Reserves a run for the <paramref name="expected"/> pages the commit is about to write.</summary>
    public void Reserve(int expected, ref ulong highWater)
    {
        // A rolled-back commit left its run behind; the rollback gave its ids back already.
        _next = _end = 0;
        _pastHighWater = false;
        _longestFree = int.MaxValue;
        _expected = Math.Max(1, expected);
        _large = _expected > LargeCommitPages;
        if (!_large) NewRun(_expected, ref highWater);
    }

    /// <summary>Ids for <paramref name="count"/> contiguous pages, next to the previous allocation where possible.</summary>
    public ulong Allocate(int count, ref ulong highWater)
    {
        if (_large) return AllocateScattered(count, ref highWater);
        _expected = Math.Max(0, _expected - count);
        if (Unused < count && !Extend(count - Unused, ref highWater))
        {
            Finish(ref highWater);
            NewRun(Math.Max(count, _expected + count), ref highWater);
            if (Unused < count)
            {
                // A multi-page node (or freelist) wants a longer run than the search found: look through
                // every free id, and only when no run is long enough go past the high-water mark.
                Finish(ref highWater);
                if (_freelist.FindRun(count, out ulong start, out _, out _, scanLimit: int.MaxValue))
                {
                    Take(start, count);
                }
                else
                {
                    RunPastHighWater(count, ref highWater);
                }
            }
        }
        ulong id = _next;
        _next += (ulong)count;
        return id;
    }

    /// <summary>A large commit's pages: writing hundreds of pages, it gains little from fewer runs, so it
    /// keeps the cheapest placement (the lowest free page, a run of several from anywhere, else the end).</summary>
    private ulong AllocateScattered(int count, ref ulong highWater)
    {
        ulong id;
        if (count == 1 ? _freelist.LowestRun(out id) > 0 : _freelist.FindRun(count, out id, out _, out _, scanLimit: int.MaxValue))
        {
            TakeFound(id, count);
            return id;
        }
        id = highWater;
        highWater += (ulong)count;
        return id;
    }

    /// <summary>Returns the reserved ids nobody used.</summary>
    public void Finish(ref ulong highWater)
    {
        int unused = Unused;
        if (unused > 0)
        {
            if (_pastHighWater && _end == highWater) highWater = _next;
            else if (!_pastHighWater) _freelist.Untake(_next, unused);
            else throw new InvalidOperationException("reserved pages past the high-water mark are no longer at the file's end");
        }
        _next = _end = 0;
        _pastHighWater = false;
    }

    /// <summary>Lengthens the run by the <paramref name="extra"/> ids right after it, if they are free
    /// (or the run ends the file).</summary>
    private bool Extend(int extra, ref ulong highWater)
    {
        if (_end == 0) return false;
        if (_pastHighWater && _end == highWater)
            highWater += (ulong)extra;
        else if (!_freelist.TryTake(_end, extra))
            return false;
        _end += (ulong)extra;
        return true;
    }

    private void NewRun(int want, ref ulong highWater)
    {
        bool fits = false;
        ulong start;
        int length;
        if (want > _longestFree)
        {
            length = _freelist.LowestRun(out start);
        }
        else
        {
            fits = _freelist.FindRun(want, out start, out length, out int longest);
            if (!fits) _longestFree = longest;
        }
        if (fits)
        {
            Take(start, want);
        }
        else if (length > 0 && ((ulong)_freelist.FreeCount * GrowWhileFreeUnderOneIn >= highWater || _freelist.FreeCount >= GrowWhileFreeUnderPages))
        {
            Take(start, length);
        }
        else
        {
            RunPastHighWater(want, ref highWater);
        }
    }

    /// <summary>Cuts the run from the file's end: <paramref name="count"/> ids past the high-water mark.</summary>
    private void RunPastHighWater(int count, ref ulong highWater)
    {
        _next = highWater;
        highWater += (ulong)count;
        _end = highWater;
        _pastHighWater = true;
    }

    private void Take(ulong start, int count)
    {
        TakeFound(start, count);
        _next = start;
        _end = start + (ulong)count;
        _pastHighWater = false;
    }

    /// <summary>Takes pages the free list just reported as free; failing to is a bug, not a full file.</summary>
    private void TakeFound(ulong start, int count)
    {
        if (!_freelist.TryTake(start, count))
            throw new InvalidOperationException($"pages {start}..{start + (ulong)count - 1} were found free but cannot be taken");
    }
}

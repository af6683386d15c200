// The node's view of the whole log: the durable part in host storage plus the unstable tail,
// with the commit and apply positions. Reads never span the two parts in one slice: a read that
// would returns the durable prefix, and callers simply ask again for the rest.
namespace FastKv.Raft;

internal sealed class RaftLog
{
    public readonly IRaftStorage Storage;
    public readonly Unstable Unstable = new();
    public ulong Committed;
    public ulong Applied;

    public RaftLog(IRaftStorage storage)
    {
        Storage = storage;
        var first = storage.FirstIndex();
        var last = storage.LastIndex();
        Unstable.Offset = last + 1;
        Committed = first - 1;
        Applied = first - 1;
    }

    public ulong FirstIndex() => Unstable.MaybeFirstIndex() ?? Storage.FirstIndex();

    public ulong LastIndex() => Unstable.MaybeLastIndex() ?? Storage.LastIndex();

    public ulong LastTerm()
    {
        TryTerm(LastIndex(), out var t);
        return t;
    }

    // Highest index known durable locally (what a leader may count as its own acknowledgement).
    public ulong LastStableIndex() => Unstable.Snapshot is not null ? 0 : Unstable.Offset - 1;

    public StorageResult TryTerm(ulong i, out ulong term)
    {
        term = 0;
        var dummy = FirstIndex() - 1;
        if (i < dummy) return StorageResult.Compacted;
        if (i > LastIndex()) return StorageResult.Unavailable;
        if (Unstable.MaybeTerm(i, out term)) return StorageResult.Ok;
        return Storage.Term(i, out term);
    }

    public ulong TermOrZero(ulong i) => TryTerm(i, out var t) == StorageResult.Ok ? t : 0;

    public bool MatchTerm(ulong i, ulong term) => TryTerm(i, out var t) == StorageResult.Ok && t == term;

    // §5.4.1: a candidate's log is at least as up to date if its last term is higher, or equal with
    // an index at least as long.
    public bool IsUpToDate(ulong lastIndex, ulong term)
    {
        var lt = LastTerm();
        return term > lt || (term == lt && lastIndex >= LastIndex());
    }

    public ulong Append(ReadOnlySpan<Entry> ents)
    {
        if (ents.Length == 0) return LastIndex();
        var after = ents[0].Index - 1;
        if (after < Committed) throw new InvalidOperationException($"after({after}) is out of range [committed({Committed})]");
        Unstable.TruncateAndAppend(ents);
        return LastIndex();
    }

    // Follower side of AppendEntries: returns the last new index when the log matched at (index, logTerm).
    public bool MaybeAppend(ulong index, ulong logTerm, ulong committed, ReadOnlySpan<Entry> ents, out ulong lastNew)
    {
        lastNew = 0;
        if (!MatchTerm(index, logTerm)) return false;
        lastNew = index + (ulong)ents.Length;
        var ci = FindConflict(ents);
        if (ci != 0)
        {
            if (ci <= Committed) throw new InvalidOperationException($"entry {ci} conflicts with committed entry [committed({Committed})]");
            Append(ents[(int)(ci - (index + 1))..]);
        }
        CommitTo(Math.Min(committed, lastNew));
        return true;
    }

    // First index whose term differs from ours, or the first new index, or 0 if all are present.
    private ulong FindConflict(ReadOnlySpan<Entry> ents)
    {
        foreach (ref readonly var e in ents)
        {
            if (!MatchTerm(e.Index, e.Term)) return e.Index;
        }
        return 0;
    }

    // The largest index <= index whose term is <= term: where a rejected probe can resume (§5.3 optimization).
    public (ulong Index, ulong Term) FindConflictByTerm(ulong index, ulong term)
    {
        for (; index > 0; index--)
        {
            var r = TryTerm(index, out var t);
            if (r != StorageResult.Ok) return (index, 0);
            if (t <= term) return (index, t);
        }
        return (0, 0);
    }

    public void CommitTo(ulong tocommit)
    {
        if (Committed >= tocommit) return;
        if (LastIndex() < tocommit)
            throw new InvalidOperationException($"tocommit({tocommit}) is out of range [lastIndex({LastIndex()})]");
        Committed = tocommit;
    }

    // §5.4.2: only entries of the current term are committed by counting replicas.
    public bool MaybeCommit(ulong maxIndex, ulong term)
    {
        if (maxIndex > Committed && TermOrZero(maxIndex) == term)
        {
            CommitTo(maxIndex);
            return true;
        }
        return false;
    }

    public void AppliedTo(ulong i)
    {
        if (i == 0) return;
        if (Committed < i || i < Applied)
            throw new InvalidOperationException($"applied({i}) is out of range [prevApplied({Applied}), committed({Committed})]");
        Applied = i;
    }

    public void StableTo(ulong i, ulong t) => Unstable.StableTo(i, t);

    public void StableSnapTo(ulong i) => Unstable.StableSnapTo(i);

    public bool HasNextCommittedEntries() => Committed > Math.Max(Applied, FirstIndex() - 1);

    // Entries [lo, hi) up to maxSize bytes, copied into the arena. Never returns part storage,
    // part unstable: a read crossing the boundary yields the storage part only.
    public StorageResult Slice(ulong lo, ulong hi, long maxSize, EntryArena arena, out ReadOnlyMemory<Entry> result)
    {
        result = default;
        if (lo > hi) throw new InvalidOperationException($"invalid slice {lo} > {hi}");
        var fi = FirstIndex();
        if (lo < fi) return StorageResult.Compacted;
        var li = LastIndex();
        if (hi > li + 1) throw new InvalidOperationException($"slice [{lo},{hi}) out of bound [{fi},{li}]");
        if (lo == hi) return StorageResult.Ok;
        if (lo < Unstable.Offset)
        {
            var shi = Math.Min(hi, Unstable.Offset);
            var r = Storage.Entries(lo, shi, maxSize, out var ents);
            if (r != StorageResult.Ok) return r;
            result = arena.Copy(ents.Span);
            return StorageResult.Ok;
        }
        var span = Unstable.Slice(lo, hi);
        result = arena.Copy(span[..MemoryStorage.LimitSize(span, maxSize)]);
        return StorageResult.Ok;
    }

    public Snapshot? Snapshot() => Unstable.Snapshot ?? Storage.Snapshot();

    public void Restore(Snapshot s)
    {
        Committed = s.Index;
        Unstable.Restore(s);
    }
}

// Range: reads at the current or a historical revision, from any thread. The index yields the
// revision of each key visible at the read revision; values come from the page file (or the
// not-yet-committed writes), read after the lock is released. Filtering, sorting and limits follow etcd's apply order: filters
// and sorts fetch everything, then truncate to the limit and set `more`.
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using FastKv.Api.Mvccpb;

namespace FastKv.Mvcc.Kv;

public sealed partial class KvStore
{
    [ThreadStatic] private static List<Revision>? t_revs;
    [ThreadStatic] private static List<ReadOnlyMemory<byte>>? t_pendingValues;
    [ThreadStatic] private static byte[]? t_revKey;
    private readonly List<Revision> _applyRevs = [];

    /// <summary>Serves a range request on any thread; sees every revision applied so far.</summary>
    public RangeResponse Range(RangeRequest request)
    {
        KvRequestChecks.CheckRange(request);
        var revs = t_revs ??= [];
        var pendingValues = t_pendingValues ??= [];
        SharedReadTx? shared = null;
        PendingArena? pinned = null;
        var (readRevision, count) = CollectUnderReadLock(request, revs, pendingValues, ref shared, ref pinned);
        var resp = new RangeResponse { Header = new ResponseHeader { Revision = readRevision }, Count = count };
        try
        {
            for (int i = 0; i < revs.Count; i++)
                AddFiltered(request, resp.Kvs, StoredKeyValue.Parse(ReadValue(revs[i], pendingValues[i], shared)));
        }
        finally
        {
            ReleaseValues(revs, pendingValues, shared, pinned);
        }
        FinishRange(request, resp);
        return resp;
    }

    // Under the lock only the checks, the index walk and the choice of where each value lives;
    // values are read after it, so a large range does not hold up the apply thread. On an error
    // the lists are emptied and whatever was pinned is released.
    private (long ReadRevision, int Count) CollectUnderReadLock(RangeRequest request, List<Revision> revs,
        List<ReadOnlyMemory<byte>> pendingValues, ref SharedReadTx? shared, ref PendingArena? pinned)
    {
        _lock.EnterReadLock();
        try
        {
            long readRevision = CurrentRevision;
            int count = CollectRangeRevisions(request, readRevision, revs);
            LocateValues(revs, pendingValues, ref shared, ref pinned);
            return (readRevision, count);
        }
        catch
        {
            ReleaseValues(revs, pendingValues, shared, pinned);
            throw;
        }
        finally { _lock.ExitReadLock(); }
    }

    // Under the read lock: where each revision's value is. A pending value is its bytes (the
    // arena pinned so they stay valid after the lock), a committed one is empty memory (a stored
    // KeyValue is never empty: it holds at least its key) and is read from the shared transaction.
    private void LocateValues(List<Revision> revs, List<ReadOnlyMemory<byte>> pendingValues, ref SharedReadTx? shared, ref PendingArena? pinned)
    {
        foreach (var rev in revs)
        {
            if (_pending.TryGet(rev, out var value))
            {
                pendingValues.Add(value);
                pinned ??= _pending.Pin();
            }
            else
            {
                pendingValues.Add(default);
                shared ??= AcquireSharedRead();
            }
        }
    }

    private static ReadOnlySpan<byte> ReadValue(Revision rev, ReadOnlyMemory<byte> pending, SharedReadTx? shared)
    {
        if (!pending.IsEmpty) return pending.Span;
        var key = t_revKey ??= new byte[Revision.KeySize];
        rev.Write(key);
        // Revisions not pending were committed before the shared transaction was taken, so it holds them.
        if (!shared!.Keys.TryGet(key, out var stored))
            throw new InvalidOperationException($"revision {rev} is in the index but not in the key bucket");
        return stored;
    }

    private static void ReleaseValues(List<Revision> revs, List<ReadOnlyMemory<byte>> pendingValues, SharedReadTx? shared, PendingArena? pinned)
    {
        shared?.Release();
        pinned?.Release();
        revs.Clear();
        pendingValues.Clear();
        // Do not let one huge range pin huge buffers on this thread for good.
        if (revs.Capacity > 65_536)
        {
            t_revs = null;
            t_pendingValues = null;
        }
    }

    // A range inside a transaction on the apply thread. The caller holds the lock. `readRevision`
    // is the newest revision visible (the transaction's own once it has written).
    private RangeResponse RangeLocked(RangeRequest r, bool applyThread, long readRevision)
    {
        var revs = _applyRevs;
        revs.Clear();
        var resp = CollectRange(r, readRevision, revs);
        using (var values = new ValueSource(this, applyThread))
            foreach (var rev in revs)
                AddFiltered(r, resp.Kvs, StoredKeyValue.Parse(values.Get(rev)));
        revs.Clear();
        FinishRange(r, resp);
        return resp;
    }

    // Checks the read revision, counts the keys in range and lists the revisions whose values
    // the response needs (none for count_only). The caller holds the lock.
    private RangeResponse CollectRange(RangeRequest r, long readRevision, List<Revision> revs)
    {
        int count = CollectRangeRevisions(r, readRevision, revs);
        return new RangeResponse { Header = new ResponseHeader { Revision = readRevision }, Count = count };
    }

    // The checks and index walk of CollectRange without a response: returns the count.
    private int CollectRangeRevisions(RangeRequest r, long readRevision, List<Revision> revs)
    {
        long at = r.Revision <= 0 ? readRevision : r.Revision;
        if (r.Revision > readRevision) throw EtcdErrors.FutureRevision();
        if (at < _compactRevision) throw EtcdErrors.Compacted();

        bool fetchAll = r.SortOrder != RangeRequest.Types.SortOrder.None ||
                        r.MinModRevision != 0 || r.MaxModRevision != 0 ||
                        r.MinCreateRevision != 0 || r.MaxCreateRevision != 0;
        // One more than the limit tells whether there are more.
        int fetch = r.Limit > 0 && !fetchAll ? (int)Math.Min(int.MaxValue - 1, r.Limit) + 1 : int.MaxValue;
        return CollectRevisions(new KeyRange(r.Key.Span, r.RangeEnd.Span), at, r.CountOnly ? 0 : fetch, revs);
    }

    private static void AddFiltered(RangeRequest r, Google.Protobuf.Collections.RepeatedField<KeyValue> kvs, KeyValue kv)
    {
        if (PassesFilters(r, kv.ModRevision, kv.CreateRevision)) kvs.Add(kv);
    }

    private static void FinishRange(RangeRequest r, RangeResponse resp)
    {
        var kvs = resp.Kvs;
        var order = r.SortOrder;
        // Results come in ascending key order already; a non-key target with no order means ascending.
        if (r.SortTarget != RangeRequest.Types.SortTarget.Key && order == RangeRequest.Types.SortOrder.None)
            order = RangeRequest.Types.SortOrder.Ascend;
        if (order != RangeRequest.Types.SortOrder.None)
            RangeSort.Sort(kvs, r.SortTarget, order == RangeRequest.Types.SortOrder.Descend);

        if (r.Limit > 0 && kvs.Count > r.Limit)
        {
            while (kvs.Count > r.Limit) kvs.RemoveAt(kvs.Count - 1);
            resp.More = true;
        }
        if (r.KeysOnly)
            foreach (var kv in kvs) kv.Value = Google.Protobuf.ByteString.Empty;
    }

    // Revisions of the keys in range visible at `at`, in key order, up to `max` of them; returns
    // how many keys matched in total. The caller holds the lock.
    private int CollectRevisions(KeyRange range, long at, int max, List<Revision>? into)
    {
        if (range.Single)
        {
            var only = _index.Get(range.Key);
            if (only is null || !only.TryGet(at, out var rev1, out _, out _)) return 0;
            if (max > 0) into?.Add(rev1);
            return 1;
        }
        int count = 0;
        var pos = _index.Seek(range.Key);
        while (_index.Next(ref pos, out var ki))
        {
            if (!range.Contains(ki.Key)) break;
            if (!ki.TryGet(at, out var rev, out _, out _)) continue;
            if (count < max) into?.Add(rev);
            count++;
        }
        return count;
    }

    // Keys in range visible at `at`, with their index entries, for writes and comparisons on
    // the apply thread. The caller holds the lock.
    private void CollectKeys(KeyRange range, long at, List<KeyIndex> into)
    {
        if (range.Single)
        {
            var only = _index.Get(range.Key);
            if (only is not null && only.TryGet(at, out _, out _, out _)) into.Add(only);
            return;
        }
        var pos = _index.Seek(range.Key);
        while (_index.Next(ref pos, out var ki))
        {
            if (!range.Contains(ki.Key)) break;
            if (ki.TryGet(at, out _, out _, out _)) into.Add(ki);
        }
    }
}

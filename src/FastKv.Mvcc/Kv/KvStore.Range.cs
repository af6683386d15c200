// Range: reads at the current or a historical revision, from any thread. The index yields the
// revision of each key visible at the read revision; values come from the page file (or the
// not-yet-committed writes). Filtering, sorting and limits follow etcd's apply order: filters
// and sorts fetch everything, then truncate to the limit and set `more`.
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using FastKv.Api.Mvccpb;

namespace FastKv.Mvcc.Kv;

public sealed partial class KvStore
{
    [ThreadStatic] private static List<Revision>? t_revs;

    /// <summary>Serves a range request on any thread; sees every revision applied so far.</summary>
    public RangeResponse Range(RangeRequest request)
    {
        KvRequestChecks.CheckRange(request);
        _lock.EnterReadLock();
        try
        {
            return RangeLocked(request, applyThread: false, CurrentRevision);
        }
        finally { _lock.ExitReadLock(); }
    }

    // The caller holds the lock. `readRevision` is the newest revision the reader may see
    // (inside a write transaction, the transaction's own revision once it has written).
    private RangeResponse RangeLocked(RangeRequest r, bool applyThread, long readRevision)
    {
        long at = r.Revision <= 0 ? readRevision : r.Revision;
        if (r.Revision > readRevision) throw EtcdErrors.FutureRevision();
        if (at < _compactRevision) throw EtcdErrors.Compacted();

        bool fetchAll = r.SortOrder != RangeRequest.Types.SortOrder.None ||
                        r.MinModRevision != 0 || r.MaxModRevision != 0 ||
                        r.MinCreateRevision != 0 || r.MaxCreateRevision != 0;
        // One more than the limit tells whether there are more.
        int fetch = r.Limit > 0 && !fetchAll ? (int)Math.Min(int.MaxValue - 1, r.Limit) + 1 : int.MaxValue;

        var range = new KeyRange(r.Key.Span, r.RangeEnd.Span);
        var revs = t_revs ??= [];
        revs.Clear();
        int count = CollectRevisions(range, at, r.CountOnly ? 0 : fetch, revs);

        var resp = new RangeResponse { Header = new ResponseHeader { Revision = readRevision }, Count = count };
        if (r.CountOnly)
        {
            revs.Clear();
            return resp;
        }

        var kvs = resp.Kvs;
        using (var values = new ValueSource(this, applyThread))
        {
            foreach (var rev in revs)
            {
                var kv = StoredKeyValue.Parse(values.Get(rev));
                if (r.MaxModRevision != 0 && kv.ModRevision > r.MaxModRevision) continue;
                if (r.MinModRevision != 0 && kv.ModRevision < r.MinModRevision) continue;
                if (r.MaxCreateRevision != 0 && kv.CreateRevision > r.MaxCreateRevision) continue;
                if (r.MinCreateRevision != 0 && kv.CreateRevision < r.MinCreateRevision) continue;
                kvs.Add(kv);
            }
        }
        revs.Clear();
        // Do not let one huge range pin a huge buffer on this thread for good.
        if (revs.Capacity > 65_536) t_revs = null;

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
        return resp;
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

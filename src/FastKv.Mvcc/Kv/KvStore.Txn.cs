// Txn on the apply thread: every compare, nested ones included, is evaluated against the
// revision before the transaction (the branch path), the chosen branches are checked in full
// before anything is written (leases exist, ignore_* keys exist, range revisions are
// readable), then executed as one revision with one sub revision per write.
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using FastKv.Api.Mvccpb;

namespace FastKv.Mvcc.Kv;

public sealed partial class KvStore
{
    /// <summary>Maximum operations per branch (etcd's --max-txn-ops default).</summary>
    public int MaxTxnOps { get; set; } = 128;

    public TxnResponse Txn(TxnRequest request)
    {
        KvRequestChecks.CheckTxn(request, MaxTxnOps);
        TxnResponse resp;
        _lock.EnterWriteLock();
        try
        {
            _scope.Begin(_currentRevision);
            var path = _txnPath;
            path.Clear();
            EvaluatePath(request, _scope.ReadRevision, path);
            int at = 0;
            CheckTxnBranches(request, _scope.ReadRevision, path, ref at);
            at = 0;
            resp = TxnLocked(_scope, request, path, ref at);
            EndScope(_scope);
            resp.Header = new ResponseHeader { Revision = _currentRevision };
        }
        finally { _lock.ExitWriteLock(); }
        PublishScope(_scope);
        return resp;
    }

    private readonly List<bool> _txnPath = [];
    private readonly List<KeyIndex> _compareKeys = [];

    // The branch each transaction on the taken path picks, in pre-order.
    private void EvaluatePath(TxnRequest t, long at, List<bool> path)
    {
        bool ok = EvaluateCompares(t, at);
        path.Add(ok);
        foreach (var op in ok ? t.Success : t.Failure)
            if (op.RequestCase == RequestOp.RequestOneofCase.RequestTxn)
                EvaluatePath(op.RequestTxn, at, path);
    }

    // Walks the branches of the path and throws the first error a request in them would hit.
    private void CheckTxnBranches(TxnRequest t, long readRevision, List<bool> path, ref int at)
    {
        bool ok = path[at++];
        foreach (var op in ok ? t.Success : t.Failure)
        {
            switch (op.RequestCase)
            {
                case RequestOp.RequestOneofCase.RequestPut:
                    var p = op.RequestPut;
                    if (p.IgnoreValue || p.IgnoreLease)
                    {
                        var ki = _index.Get(p.Key.Span);
                        if (ki is null || !ki.TryGet(readRevision, out _, out _, out _)) throw EtcdErrors.KeyNotFound();
                    }
                    if (p.Lease != 0) CheckLeaseExists(p.Lease);
                    break;
                case RequestOp.RequestOneofCase.RequestRange:
                    var r = op.RequestRange;
                    if (r.Revision > readRevision) throw EtcdErrors.FutureRevision();
                    if (r.Revision > 0 && r.Revision < _compactRevision) throw EtcdErrors.Compacted();
                    break;
                case RequestOp.RequestOneofCase.RequestTxn:
                    CheckTxnBranches(op.RequestTxn, readRevision, path, ref at);
                    break;
            }
        }
    }

    private TxnResponse TxnLocked(WriteScope scope, TxnRequest t, List<bool> path, ref int at)
    {
        bool ok = path[at++];
        var resp = new TxnResponse { Succeeded = ok };
        foreach (var op in ok ? t.Success : t.Failure)
        {
            var r = new ResponseOp();
            switch (op.RequestCase)
            {
                case RequestOp.RequestOneofCase.RequestRange:
                    r.ResponseRange = RangeLocked(op.RequestRange, applyThread: true, scope.ReadRevision);
                    break;
                case RequestOp.RequestOneofCase.RequestPut:
                    r.ResponsePut = PutLocked(scope, op.RequestPut);
                    break;
                case RequestOp.RequestOneofCase.RequestDeleteRange:
                    r.ResponseDeleteRange = DeleteRangeLocked(scope, op.RequestDeleteRange);
                    break;
                case RequestOp.RequestOneofCase.RequestTxn:
                    var nested = TxnLocked(scope, op.RequestTxn, path, ref at);
                    // etcd leaves a nested transaction's header empty.
                    nested.Header = new ResponseHeader();
                    r.ResponseTxn = nested;
                    break;
            }
            resp.Responses.Add(r);
        }
        return resp;
    }

    private bool EvaluateCompares(TxnRequest t, long at)
    {
        foreach (var c in t.Compare)
            if (!EvaluateCompare(c, at)) return false;
        return true;
    }

    // A compare holds when it holds for every key in its range; with no key in range, VALUE
    // compares fail and the others compare against zero (a missing key's create revision,
    // version, mod revision and lease are all 0).
    private bool EvaluateCompare(Compare c, long at)
    {
        var keys = _compareKeys;
        keys.Clear();
        CollectKeys(new KeyRange(c.Key.Span, c.RangeEnd.Span), at, keys);
        if (keys.Count == 0)
            return c.Target != Compare.Types.CompareTarget.Value && CompareResultHolds(c, CompareTo(c, null, 0, 0, 0, 0));
        using var values = new ValueSource(this, applyThread: true);
        foreach (var ki in keys)
        {
            ki.TryGet(at, out var rev, out var created, out long version);
            int result;
            if (c.Target == Compare.Types.CompareTarget.Value)
                result = CompareTo(c, StoredKeyValue.Parse(values.Get(rev)), 0, 0, 0, 0);
            else if (c.Target == Compare.Types.CompareTarget.Lease)
                // The index holds only the newest lease; older ones are in the stored value.
                result = CompareTo(c, null, 0, 0, 0, rev == ki.Modified ? ki.Lease : StoredKeyValue.Parse(values.Get(rev)).Lease);
            else
                result = CompareTo(c, null, created.Main, rev.Main, version, 0);
            if (!CompareResultHolds(c, result)) return false;
        }
        return true;
    }

    private static int CompareTo(Compare c, KeyValue? kv, long create, long mod, long version, long lease)
    {
        switch (c.Target)
        {
            case Compare.Types.CompareTarget.Value:
                var want = c.TargetUnionCase == Compare.TargetUnionOneofCase.Value ? c.Value.Span : default;
                return Math.Sign((kv is null ? default : kv.Value.Span).SequenceCompareTo(want));
            case Compare.Types.CompareTarget.Create:
                return create.CompareTo(c.TargetUnionCase == Compare.TargetUnionOneofCase.CreateRevision ? c.CreateRevision : 0);
            case Compare.Types.CompareTarget.Mod:
                return mod.CompareTo(c.TargetUnionCase == Compare.TargetUnionOneofCase.ModRevision ? c.ModRevision : 0);
            case Compare.Types.CompareTarget.Version:
                return version.CompareTo(c.TargetUnionCase == Compare.TargetUnionOneofCase.Version ? c.Version : 0);
            case Compare.Types.CompareTarget.Lease:
                return lease.CompareTo(c.TargetUnionCase == Compare.TargetUnionOneofCase.Lease ? c.Lease : 0);
            default:
                return 0;
        }
    }

    private static bool CompareResultHolds(Compare c, int result) => c.Result switch
    {
        Compare.Types.CompareResult.Equal => result == 0,
        Compare.Types.CompareResult.NotEqual => result != 0,
        Compare.Types.CompareResult.Greater => result > 0,
        Compare.Types.CompareResult.Less => result < 0,
        _ => true,
    };
}

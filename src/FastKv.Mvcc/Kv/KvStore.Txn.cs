// Txn on the apply thread: every compare, nested ones included, is evaluated against the
// revision before the transaction (the branch path), the chosen branches are checked in full
// before anything is written (leases exist, ignore_* keys exist, range revisions are
// readable), then executed as one revision with one sub revision per write. Txn builds the
// response; ApplyTxn runs the same writes and reports only the branch and revision.
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
            var path = BeginTxnLocked(request);
            int at = 0;
            resp = TxnLocked(_scope, request, path, ref at);
            EndScope(_scope);
            resp.Header = new ResponseHeader { Revision = _currentRevision };
        }
        finally { _lock.ExitWriteLock(); }
        PublishScope(_scope);
        return resp;
    }

    // Opens the write scope, decides which branch each (nested) transaction takes and checks the
    // branches' requests before anything is written. The caller holds the write lock.
    private List<bool> BeginTxnLocked(TxnRequest request)
    {
        _scope.Begin(_currentRevision);
        var path = _txnPath;
        path.Clear();
        EvaluatePath(request, _scope.ReadRevision, path);
        int at = 0;
        CheckTxnBranches(request, _scope.ReadRevision, path, ref at);
        return path;
    }

    /// <summary>
    /// Applies a transaction exactly as <see cref="Txn(TxnRequest)"/> does but builds no response
    /// (its ranges, having no effect, are checked but not read). Allocates nothing once warm for
    /// writes to existing keys, apart from watch events when a watch hub is attached.
    /// </summary>
    public TxnOutcome ApplyTxn(TxnRequest request)
    {
        KvRequestChecks.CheckTxn(request, MaxTxnOps);
        bool succeeded;
        long revision;
        _lock.EnterWriteLock();
        try
        {
            var path = BeginTxnLocked(request);
            int at = 0;
            ApplyTxnLocked(_scope, request, path, ref at);
            EndScope(_scope);
            succeeded = path[0];
            revision = _currentRevision;
        }
        finally { _lock.ExitWriteLock(); }
        PublishScope(_scope);
        return new TxnOutcome(succeeded, revision);
    }

    private void ApplyTxnLocked(WriteScope scope, TxnRequest t, List<bool> path, ref int at)
    {
        var ops = path[at++] ? t.Success : t.Failure;
        for (int i = 0; i < ops.Count; i++)
        {
            var op = ops[i];
            switch (op.RequestCase)
            {
                case RequestOp.RequestOneofCase.RequestPut:
                    ApplyPutLocked(scope, op.RequestPut, wantPrev: false);
                    break;
                case RequestOp.RequestOneofCase.RequestDeleteRange:
                    ApplyDeleteRangeLocked(scope, op.RequestDeleteRange, prevKvs: null);
                    break;
                case RequestOp.RequestOneofCase.RequestTxn:
                    ApplyTxnLocked(scope, op.RequestTxn, path, ref at);
                    break;
            }
        }
    }

    private readonly List<bool> _txnPath = [];
    private readonly List<KeyIndex> _compareKeys = [];

    // The branch each transaction on the taken path picks, in pre-order.
    private void EvaluatePath(TxnRequest t, long at, List<bool> path)
    {
        bool ok = EvaluateCompares(t, at);
        path.Add(ok);
        // Index loops: a RepeatedField's enumerator is allocated.
        var ops = ok ? t.Success : t.Failure;
        for (int i = 0; i < ops.Count; i++)
            if (ops[i].RequestCase == RequestOp.RequestOneofCase.RequestTxn)
                EvaluatePath(ops[i].RequestTxn, at, path);
    }

    // Walks the branches of the path and throws the first error a request in them would hit.
    private void CheckTxnBranches(TxnRequest t, long readRevision, List<bool> path, ref int at)
    {
        var ops = path[at++] ? t.Success : t.Failure;
        for (int i = 0; i < ops.Count; i++)
        {
            var op = ops[i];
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
        var ops = ok ? t.Success : t.Failure;
        for (int i = 0; i < ops.Count; i++)
        {
            var op = ops[i];
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
        var compares = t.Compare;
        for (int i = 0; i < compares.Count; i++)
            if (!EvaluateCompare(compares[i], at)) return false;
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
            return c.Target != Compare.Types.CompareTarget.Value && CompareResultHolds(c, CompareTo(c, default, 0, 0, 0, 0));
        using var values = new ValueSource(this, applyThread: true);
        foreach (var ki in keys)
        {
            ki.TryGet(at, out var rev, out var created, out long version);
            int result;
            if (c.Target == Compare.Types.CompareTarget.Value)
            {
                var stored = values.Get(rev);
                result = CompareTo(c, StoredKeyValueLayout.TryScan(stored, out var layout) ? layout.Value(stored) : StoredKeyValue.Parse(stored).Value.Span, 0, 0, 0, 0);
            }
            else if (c.Target == Compare.Types.CompareTarget.Lease)
            {
                // The index holds only the newest lease; older ones are in the stored value.
                long lease = ki.Lease;
                if (rev != ki.Modified)
                {
                    var stored = values.Get(rev);
                    lease = StoredKeyValueLayout.TryScan(stored, out var layout) ? layout.Lease : StoredKeyValue.Parse(stored).Lease;
                }
                result = CompareTo(c, default, 0, 0, 0, lease);
            }
            else
                result = CompareTo(c, default, created.Main, rev.Main, version, 0);
            if (!CompareResultHolds(c, result)) return false;
        }
        return true;
    }

    private static int CompareTo(Compare c, ReadOnlySpan<byte> value, long create, long mod, long version, long lease)
    {
        switch (c.Target)
        {
            case Compare.Types.CompareTarget.Value:
                var want = c.TargetUnionCase == Compare.TargetUnionOneofCase.Value ? c.Value.Span : default;
                return Math.Sign(value.SequenceCompareTo(want));
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

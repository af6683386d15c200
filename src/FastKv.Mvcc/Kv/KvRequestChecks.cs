// The checks etcd makes on KV requests before they reach the key space (empty keys,
// conflicting put flags, sort options, transaction size and duplicate keys). Deterministic, so
// the server may run them before proposing and the store runs them again when applying.
using FastKv.Api;
using FastKv.Api.Etcdserverpb;

namespace FastKv.Mvcc.Kv;

public static class KvRequestChecks
{
    public static void CheckRange(RangeRequest r)
    {
        if (r.Key.IsEmpty) throw EtcdErrors.EmptyKey();
        if (r.SortOrder is < RangeRequest.Types.SortOrder.None or > RangeRequest.Types.SortOrder.Descend)
            throw EtcdErrors.InvalidSortOption();
        if (r.SortTarget is < RangeRequest.Types.SortTarget.Key or > RangeRequest.Types.SortTarget.Value)
            throw EtcdErrors.InvalidSortOption();
    }

    public static void CheckPut(PutRequest r)
    {
        if (r.Key.IsEmpty) throw EtcdErrors.EmptyKey();
        if (r.IgnoreValue && !r.Value.IsEmpty) throw EtcdErrors.ValueProvided();
        if (r.IgnoreLease && r.Lease != 0) throw EtcdErrors.LeaseProvided();
    }

    public static void CheckDeleteRange(DeleteRangeRequest r)
    {
        if (r.Key.IsEmpty) throw EtcdErrors.EmptyKey();
    }

    public static void CheckTxn(TxnRequest r, int maxTxnOps)
    {
        CheckTxnShape(r, maxTxnOps);
        TxnDuplicateKeys.Check(r.Success);
        TxnDuplicateKeys.Check(r.Failure);
    }

    private static void CheckTxnShape(TxnRequest r, int maxTxnOps)
    {
        int ops = Math.Max(r.Compare.Count, Math.Max(r.Success.Count, r.Failure.Count));
        if (ops > maxTxnOps) throw EtcdErrors.TooManyOps();
        // Index loops: a RepeatedField's enumerator is allocated, and this runs for every transaction.
        for (int i = 0; i < r.Compare.Count; i++)
            if (r.Compare[i].Key.IsEmpty) throw EtcdErrors.EmptyKey();
        for (int i = 0; i < r.Success.Count; i++) CheckOp(r.Success[i], maxTxnOps - ops);
        for (int i = 0; i < r.Failure.Count; i++) CheckOp(r.Failure[i], maxTxnOps - ops);
    }

    private static void CheckOp(RequestOp op, int maxTxnOps)
    {
        switch (op.RequestCase)
        {
            case RequestOp.RequestOneofCase.RequestRange: CheckRange(op.RequestRange); break;
            case RequestOp.RequestOneofCase.RequestPut: CheckPut(op.RequestPut); break;
            case RequestOp.RequestOneofCase.RequestDeleteRange: CheckDeleteRange(op.RequestDeleteRange); break;
            case RequestOp.RequestOneofCase.RequestTxn: CheckTxnShape(op.RequestTxn, maxTxnOps); break;
            // An empty operation is answered as etcd answers it.
            default: throw EtcdErrors.KeyNotFound();
        }
    }
}

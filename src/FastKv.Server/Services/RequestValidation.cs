// The checks etcd's API layer makes before a request reaches Raft, with its errors, so a bad
// request is refused at once and never occupies the log.
using FastKv.Api;
using FastKv.Api.Etcdserverpb;

namespace FastKv.Server.Services;

public static class RequestValidation
{
    public static EtcdException EmptyKey() => new(StatusCode.InvalidArgument, "etcdserver: key is not provided");
    public static EtcdException TooManyOps() => new(StatusCode.InvalidArgument, "etcdserver: too many operations in txn request");
    public static EtcdException DuplicateKey() => new(StatusCode.InvalidArgument, "etcdserver: duplicate key given in txn request");
    public static EtcdException ValueProvided() => new(StatusCode.InvalidArgument, "etcdserver: value is provided");
    public static EtcdException LeaseProvided() => new(StatusCode.InvalidArgument, "etcdserver: lease is provided");

    public static void Range(RangeRequest r)
    {
        if (r.Key.IsEmpty) throw EmptyKey();
        if (!Enum.IsDefined(r.SortOrder)) throw new EtcdException(StatusCode.InvalidArgument, "etcdserver: invalid sort option");
        if (!Enum.IsDefined(r.SortTarget)) throw new EtcdException(StatusCode.InvalidArgument, "etcdserver: invalid sort option");
    }

    public static void Put(PutRequest r)
    {
        if (r.Key.IsEmpty) throw EmptyKey();
        if (r.IgnoreValue && !r.Value.IsEmpty) throw ValueProvided();
        if (r.IgnoreLease && r.Lease != 0) throw LeaseProvided();
    }

    public static void DeleteRange(DeleteRangeRequest r)
    {
        if (r.Key.IsEmpty) throw EmptyKey();
    }

    public static void Txn(TxnRequest r, int maxTxnOps)
    {
        if (r.Compare.Count > maxTxnOps || r.Success.Count > maxTxnOps || r.Failure.Count > maxTxnOps)
            throw TooManyOps();
        foreach (var c in r.Compare)
            if (c.Key.IsEmpty) throw EmptyKey();
        foreach (var op in r.Success) Op(op, maxTxnOps);
        foreach (var op in r.Failure) Op(op, maxTxnOps);
    }

    private static void Op(RequestOp op, int maxTxnOps)
    {
        switch (op.RequestCase)
        {
            case RequestOp.RequestOneofCase.RequestRange: Range(op.RequestRange); break;
            case RequestOp.RequestOneofCase.RequestPut: Put(op.RequestPut); break;
            case RequestOp.RequestOneofCase.RequestDeleteRange: DeleteRange(op.RequestDeleteRange); break;
            case RequestOp.RequestOneofCase.RequestTxn: Txn(op.RequestTxn, maxTxnOps); break;
            default: throw new EtcdException(StatusCode.InvalidArgument, "etcdserver: request is empty");
        }
    }
}

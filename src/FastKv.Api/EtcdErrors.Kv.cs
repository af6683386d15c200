// The key space's client-visible errors, with etcd's text and gRPC codes.
namespace FastKv.Api;

public static partial class EtcdErrors
{
    public static EtcdException EmptyKey() => new(StatusCode.InvalidArgument, "etcdserver: key is not provided");
    public static EtcdException KeyNotFound() => new(StatusCode.InvalidArgument, "etcdserver: key not found");
    public static EtcdException ValueProvided() => new(StatusCode.InvalidArgument, "etcdserver: value is provided");
    public static EtcdException LeaseProvided() => new(StatusCode.InvalidArgument, "etcdserver: lease is provided");
    public static EtcdException TooManyOps() => new(StatusCode.InvalidArgument, "etcdserver: too many operations in txn request");
    public static EtcdException DuplicateKey() => new(StatusCode.InvalidArgument, "etcdserver: duplicate key given in txn request");
    public static EtcdException InvalidSortOption() => new(StatusCode.InvalidArgument, "etcdserver: invalid sort option");
    public const string CompactedMessage = "etcdserver: mvcc: required revision has been compacted";
    public static EtcdException Compacted() => new(StatusCode.OutOfRange, CompactedMessage);
    public static EtcdException FutureRevision() => new(StatusCode.OutOfRange, "etcdserver: mvcc: required revision is a future revision");
    // Named apart from the lessor's own errors file so the two partial files never collide.
}

// Client-visible lease errors, with etcd's text and gRPC codes.
namespace FastKv.Api;

public static partial class EtcdErrors
{
    public static EtcdException LeaseNotFound() => new(StatusCode.NotFound, "etcdserver: requested lease not found");
    public static EtcdException LeaseExists() => new(StatusCode.FailedPrecondition, "etcdserver: lease already exists");
    public static EtcdException LeaseTtlTooLarge() => new(StatusCode.OutOfRange, "etcdserver: too large lease TTL");

    /// <summary>A keep-alive reached a member that does not lead; the server forwards it or the client retries.</summary>
    public static EtcdException NotLeader() => new(StatusCode.FailedPrecondition, "etcdserver: not leader");
}

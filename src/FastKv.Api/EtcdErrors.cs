// The catalogue of client-visible errors. Each area adds its own partial file
// (EtcdErrors.Kv.cs, EtcdErrors.Lease.cs, EtcdErrors.Auth.cs, ...); messages are etcd's text.
namespace FastKv.Api;

public static partial class EtcdErrors
{
    public static EtcdException NoLeader() => new(StatusCode.Unavailable, "etcdserver: no leader");
    public static EtcdException RequestTooLarge() => new(StatusCode.InvalidArgument, "etcdserver: request is too large");
    public static EtcdException Timeout() => new(StatusCode.Unavailable, "etcdserver: request timed out");
    public static EtcdException Stopped() => new(StatusCode.Unavailable, "etcdserver: server stopped");
}

// Client-visible errors raised by alarms and the backend quota, with etcd's text and gRPC codes.
namespace FastKv.Api;

public static partial class EtcdErrors
{
    public static EtcdException NoSpace() => new(StatusCode.ResourceExhausted, "etcdserver: mvcc: database space exceeded");
    public static EtcdException Corrupt() => new(StatusCode.DataLoss, "etcdserver: corrupt cluster");
}

// An error a client sees: the gRPC status code and the exact message etcd sends for the same
// condition (clients such as etcdctl and clientv3 match on the text). The catalogue of errors
// lives in EtcdErrors, one partial file per area.
namespace FastKv.Api;

public sealed class EtcdException : Exception
{
    public EtcdException(StatusCode code, string message) : base(message) => Code = code;

    public StatusCode Code { get; }
}

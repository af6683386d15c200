// etcd's errors for the maintenance service (leadership transfer).
namespace FastKv.Api;

public static partial class EtcdErrors
{
    public static EtcdException BadLeaderTransferee() => new(StatusCode.FailedPrecondition, "etcdserver: bad leader transferee");
}

// Full gRPC method paths of etcd's API that the benchmarks call.
namespace FastKv.LoadGen;

public static class Methods
{
    public const string Range = "/etcdserverpb.KV/Range";
    public const string Put = "/etcdserverpb.KV/Put";
    public const string Txn = "/etcdserverpb.KV/Txn";
    public const string Compact = "/etcdserverpb.KV/Compact";
    public const string Watch = "/etcdserverpb.Watch/Watch";
}

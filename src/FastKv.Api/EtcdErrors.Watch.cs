// The watch stream's refusals. etcd does not fail the gRPC stream for these: it answers the
// create request with created=true, canceled=true and the reason text below, so they are
// cancel reasons rather than exceptions.
namespace FastKv.Api;

public static partial class EtcdErrors
{
    public const string WatchRangeEmptyReason = "mvcc: watcher range is empty";
    public const string WatchDuplicateIdReason = "mvcc: duplicate watch ID provided on the WatchStream";

    /// <summary>etcd puts the gRPC status error's full text here, not just its message.</summary>
    public const string WatchPermissionDeniedReason = "rpc error: code = PermissionDenied desc = etcdserver: permission denied";
}

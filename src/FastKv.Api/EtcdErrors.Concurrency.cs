// Errors of the v3lockpb.Lock and v3electionpb.Election services. etcd serves both through an
// in-process client, and its client turns every server error into a plain Go error, so all of
// them reach the caller with gRPC code Unknown (2), the text unchanged.
namespace FastKv.Api;

public static partial class EtcdErrors
{
    public static EtcdException ElectionNoLeader() => new(StatusCode.Unknown, "election: no leader");
    public static EtcdException ElectionNotLeader() => new(StatusCode.Unknown, "election: not leader");
    public static EtcdException ElectionMissingLeaderKey() => new(StatusCode.Unknown, "\"leader\" field must be provided");
    public static EtcdException WatcherLost() => new(StatusCode.Unknown, "lost watcher waiting for delete");

    /// <summary>An error of the key space, as the lock and election services pass it on: same text, code Unknown.</summary>
    public static EtcdException AsSeenThroughClient(EtcdException inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        return inner.Code == StatusCode.Unknown ? inner : new EtcdException(StatusCode.Unknown, inner.Message);
    }
}

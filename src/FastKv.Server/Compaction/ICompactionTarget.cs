// What an auto compactor needs from the member: its current revision, whether it leads (only the
// leader compacts, as in etcd), and a compaction proposed through Raft like a client's Compact.
namespace FastKv.Server.Compaction;

public interface ICompactionTarget
{
    long CurrentRevision { get; }
    bool IsLeader { get; }

    /// <summary>Compacts the key space at <paramref name="revision"/>; an EtcdException for etcd's errors.</summary>
    Task CompactAsync(long revision, CancellationToken cancel);
}

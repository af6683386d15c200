// One pending ReadIndex request at the leader: the commit index when it arrived and who has
// acknowledged the heartbeat round that confirms leadership for it.
namespace FastKv.Raft;

internal sealed class ReadIndexStatus
{
    public required ulong Index;
    public required ulong From;
    public required byte[] Context;
    public readonly Dictionary<ulong, bool> Acks = new();
}

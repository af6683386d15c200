// How the leader confirms it is still leader before serving a ReadIndex request.
namespace FastKv.Raft;

public enum ReadOnlyOption : byte
{
    // Confirm with a heartbeat round acknowledged by a quorum (thesis §6.4).
    Safe = 0,
    // Trust the leader lease that check-quorum maintains (thesis §6.4.1); relies on bounded clock drift.
    LeaseBased = 1,
}

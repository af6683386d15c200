// How the leader is currently replicating to one follower.
namespace FastKv.Raft;

public enum ProgressState : byte
{
    // Unknown match point: one MsgApp per heartbeat interval until the follower accepts one.
    Probe = 0,
    // Known match point: pipeline MsgApps up to the in-flight window.
    Replicate = 1,
    // The follower needs a snapshot; nothing else is sent until it reports back.
    Snapshot = 2,
}

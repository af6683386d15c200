// What happened to a message handed to Step; proposals and read requests can be refused.
namespace FastKv.Raft;

public enum StepResult : byte
{
    Ok = 0,
    // The proposal or read request was dropped (no leader, forwarding disabled, leadership transfer
    // in progress, uncommitted-bytes cap reached, or an invalid configuration change).
    Dropped = 1,
}

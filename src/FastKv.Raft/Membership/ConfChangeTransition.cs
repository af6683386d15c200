// How a ConfChangeV2 moves the cluster: raftpb.ConfChangeTransition.
namespace FastKv.Raft;

public enum ConfChangeTransition : byte
{
    // Single-step when the change allows it (at most one voter changes), otherwise joint with auto-leave.
    Auto = 0,
    // Joint consensus, left automatically once the joint config is committed.
    JointImplicit = 1,
    // Joint consensus, left only when the application proposes an empty ConfChangeV2.
    JointExplicit = 2,
}

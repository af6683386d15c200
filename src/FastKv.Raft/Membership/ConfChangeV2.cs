// A configuration change of any number of operations (raftpb.ConfChangeV2). An empty change
// means "leave the joint configuration".
namespace FastKv.Raft;

public sealed class ConfChangeV2
{
    public ConfChangeTransition Transition { get; init; }
    public ConfChangeSingle[] Changes { get; init; } = [];
    public ReadOnlyMemory<byte> Context { get; init; }

    public bool IsLeaveJoint => Changes.Length == 0;

    // Whether applying this change enters a joint configuration, and whether that joint
    // configuration is left automatically.
    public (bool UsesJoint, bool AutoLeave) EnterJoint()
    {
        if (Transition != ConfChangeTransition.Auto || Changes.Length > 1)
        {
            return Transition switch
            {
                ConfChangeTransition.JointExplicit => (true, false),
                _ => (true, true),
            };
        }
        return (false, false);
    }

    public override string ToString() =>
        Changes.Length == 0 ? "leave-joint" : $"{Transition}:" + string.Join(",", Changes.Select(c => $"{c.Type}({c.NodeId})"));
}

// The legacy single-operation configuration change (raftpb.ConfChange); always applied single-step.
namespace FastKv.Raft;

public sealed class ConfChange
{
    public ulong Id { get; init; }
    public ConfChangeType Type { get; init; }
    public ulong NodeId { get; init; }
    public ReadOnlyMemory<byte> Context { get; init; }

    public ConfChangeV2 AsV2() => new()
    {
        Transition = ConfChangeTransition.Auto,
        Changes = [new ConfChangeSingle(Type, NodeId)],
        Context = Context,
    };
}

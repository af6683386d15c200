// What the Raft loop drives: the state machine that committed entries are applied to. The loop
// owns ordering and durability of the log; the state machine owns what an entry means.
namespace FastKv.Server.Member;

public interface IStateMachine
{
    /// <summary>The highest log index whose effects are already in the state machine's durable store.</summary>
    ulong DurableIndex { get; }

    /// <summary>Applies one committed normal entry with a payload (inside a loop iteration).</summary>
    void Apply(ulong index, ulong term, ReadOnlyMemory<byte> data);

    /// <summary>The entries of one ready batch are applied up to <paramref name="index"/>; checkpoint if due.</summary>
    void EndBatch(ulong index);

    /// <summary>Makes everything applied durable now (before a snapshot, at shutdown).</summary>
    void Flush();

    /// <summary>Once per heartbeat inside a loop iteration, with whether this member leads.</summary>
    void Tick(bool isLeader);
}

// The state a node must make durable before it answers anyone: current term, vote in that term,
// and the highest index it knows committed.
namespace FastKv.Raft;

public readonly record struct HardState(ulong Term, ulong Vote, ulong Commit)
{
    public bool IsEmpty => Term == 0 && Vote == 0 && Commit == 0;
}

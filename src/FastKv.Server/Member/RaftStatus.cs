// A snapshot of the Raft state for headers and Status, published after each Raft loop
// iteration (readers on other threads see one whole snapshot, never a torn mix).
namespace FastKv.Server.Member;

public sealed record RaftStatus(ulong Leader, ulong Term, ulong LastIndex, ulong CommittedIndex, ulong AppliedIndex)
{
    public static readonly RaftStatus Initial = new(0, 0, 0, 0, 0);
}

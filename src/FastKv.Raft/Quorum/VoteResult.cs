// The outcome of counting votes (or acknowledgements) against a configuration.
namespace FastKv.Raft;

public enum VoteResult : byte
{
    Pending = 0,
    Lost = 1,
    Won = 2,
}

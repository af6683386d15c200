// The roles a node can be in.
namespace FastKv.Raft;

public enum StateType : byte
{
    Follower = 0,
    Candidate = 1,
    Leader = 2,
    PreCandidate = 3,
}

// The single-node membership operations, numbered as in raftpb.ConfChangeType.
namespace FastKv.Raft;

public enum ConfChangeType : byte
{
    AddNode = 0,
    RemoveNode = 1,
    UpdateNode = 2,
    AddLearnerNode = 3,
}

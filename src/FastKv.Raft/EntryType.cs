// The kinds of log entries, numbered as in etcd's raftpb.
namespace FastKv.Raft;

public enum EntryType : byte
{
    Normal = 0,
    ConfChange = 1,
    ConfChangeV2 = 2,
}

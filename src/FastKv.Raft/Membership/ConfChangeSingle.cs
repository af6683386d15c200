// One membership operation on one node.
namespace FastKv.Raft;

public readonly record struct ConfChangeSingle(ConfChangeType Type, ulong NodeId);

// The parts of an etcd response header that belong to the member rather than the key space
// (cluster, member, raft term). A caller that asks the store to write a response's wire bytes
// passes them in; the store adds the revision it read at.
namespace FastKv.Mvcc.Kv;

public readonly record struct ResponseHeaderFields(ulong ClusterId, ulong MemberId, ulong RaftTerm);

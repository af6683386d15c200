// The answer to a ReadIndex request: once the node has applied Index, a read carrying
// RequestContext is linearizable.
namespace FastKv.Raft;

public readonly record struct ReadState(ulong Index, ReadOnlyMemory<byte> RequestContext);

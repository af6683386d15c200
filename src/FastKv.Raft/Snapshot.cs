// A point-in-time image of the application state plus the log position and membership it covers.
// The data is opaque to Raft; the application produces and consumes it.
namespace FastKv.Raft;

public sealed class Snapshot
{
    public static readonly Snapshot Empty = new(0, 0, new ConfState(), ReadOnlyMemory<byte>.Empty);

    public ulong Index { get; }
    public ulong Term { get; }
    public ConfState ConfState { get; }
    public ReadOnlyMemory<byte> Data { get; }

    public Snapshot(ulong index, ulong term, ConfState confState, ReadOnlyMemory<byte> data)
    {
        Index = index;
        Term = term;
        ConfState = confState;
        Data = data;
    }

    public bool IsEmpty => Index == 0;
}

// One log entry. A struct so logs and batches are flat arrays; the payload is a slice of a buffer
// the host owns (typically pooled), so appending and replicating never copies or allocates payloads.
namespace FastKv.Raft;

public readonly struct Entry
{
    // Fixed per-entry overhead used in byte budgets (term, index, type, framing), roughly what
    // the protobuf encoding of an entry costs on the wire beyond its payload.
    public const int Overhead = 16;

    public readonly ulong Term;
    public readonly ulong Index;
    public readonly EntryType Type;
    public readonly ReadOnlyMemory<byte> Data;

    public Entry(ulong term, ulong index, EntryType type, ReadOnlyMemory<byte> data)
    {
        Term = term;
        Index = index;
        Type = type;
        Data = data;
    }

    public Entry(ReadOnlyMemory<byte> data) : this(0, 0, EntryType.Normal, data) { }

    public long Size => Data.Length + Overhead;

    public Entry WithPosition(ulong term, ulong index) => new(term, index, Type, Data);

    public override string ToString() => $"{Term}/{Index} {Type} ({Data.Length}B)";
}

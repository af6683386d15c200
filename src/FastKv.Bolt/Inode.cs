// One element of an in-memory node: a key and either a value (leaf) or a child page id (branch).
// Keys and values are pointers: into the mapped page the node was read from (valid while the
// write transaction holds that mapping) or into the transaction's arena for bytes it wrote.
namespace FastKv.Bolt;

internal unsafe struct Inode
{
    public uint Flags;
    public ulong Pgid;
    public ByteRef Key;
    public ByteRef Value;

    public Inode(uint flags, ulong pgid, ByteRef key, ByteRef value)
    {
        Flags = flags;
        Pgid = pgid;
        Key = key;
        Value = value;
    }
}

/// <summary>Unowned bytes: a pointer and a length, valid for the life of the write transaction.</summary>
internal readonly unsafe struct ByteRef(byte* pointer, int length)
{
    public readonly byte* Pointer = pointer;
    public readonly int Length = length;

    public ReadOnlySpan<byte> Span => new(Pointer, Length);

    public static ByteRef Empty => default;
}

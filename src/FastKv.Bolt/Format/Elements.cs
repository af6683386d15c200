// Branch and leaf page elements. Both are 16 bytes; Pos is the distance from the element's own
// first byte to its key, and the value (leaf only) follows the key directly.
using System.Runtime.InteropServices;

namespace FastKv.Bolt.Format;

[StructLayout(LayoutKind.Sequential, Size = 16)]
public struct BranchElement
{
    public uint Pos;
    public uint KeySize;
    public ulong Pgid;

    public const int Size = 16;
}

[StructLayout(LayoutKind.Sequential, Size = 16)]
public struct LeafElement
{
    public uint Flags;
    public uint Pos;
    public uint KeySize;
    public uint ValueSize;

    public const int Size = 16;

    /// <summary>Set on a leaf element whose value is a nested bucket header.</summary>
    public const uint BucketFlag = 0x01;

    public readonly bool IsBucket => (Flags & BucketFlag) != 0;
}

/// <summary>A bucket as stored in its parent's leaf: its root page (0 when inline) and its sequence.</summary>
[StructLayout(LayoutKind.Sequential, Size = 16)]
public struct BucketHeader
{
    public ulong Root;
    public ulong Sequence;

    public const int Size = 16;
}

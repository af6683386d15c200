// The 16-byte header at the start of every page, and the page-type flags stored in it.
using System.Runtime.InteropServices;

namespace FastKv.Bolt.Format;

[StructLayout(LayoutKind.Sequential, Size = 16)]
public struct PageHeader
{
    public ulong Id;
    public ushort Flags;
    public ushort Count;
    /// <summary>Number of additional pages this page spans (0 for a single page).</summary>
    public uint Overflow;

    public const int Size = 16;

    public readonly bool IsBranch => (Flags & PageFlags.Branch) != 0;
    public readonly bool IsLeaf => (Flags & PageFlags.Leaf) != 0;
    public readonly bool IsMeta => (Flags & PageFlags.Meta) != 0;
    public readonly bool IsFreelist => (Flags & PageFlags.Freelist) != 0;

    public readonly string TypeName => PageFlags.Describe(Flags);
}

public static class PageFlags
{
    public const ushort Branch = 0x01;
    public const ushort Leaf = 0x02;
    public const ushort Meta = 0x04;
    public const ushort Freelist = 0x10;

    public static string Describe(ushort flags) => flags switch
    {
        Branch => "branch",
        Leaf => "leaf",
        Meta => "meta",
        Freelist => "freelist",
        _ => $"unknown<{flags:x2}>",
    };
}

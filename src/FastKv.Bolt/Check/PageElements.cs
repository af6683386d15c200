// Bounds-checked reading of the elements of a branch or leaf page held in a span (a mapped page
// with its overflow, or an inline bucket's page inside a leaf value). Nothing here trusts a count,
// position or size from the page: each is checked against the span before a byte is read.
using System.Runtime.InteropServices;
using FastKv.Bolt.Format;

namespace FastKv.Bolt.Check;

public static class PageElements
{
    /// <summary>How many of the header's <paramref name="count"/> element headers fit in the page.</summary>
    public static int FittingCount(ReadOnlySpan<byte> page, int count)
    {
        int room = Math.Max(0, (page.Length - PageHeader.Size) / BranchElement.Size);
        return Math.Min(count, room);
    }

    public static bool TryBranch(ReadOnlySpan<byte> page, int index, int count, out ReadOnlySpan<byte> key, out ulong child, out string? problem)
    {
        key = default;
        child = 0;
        int at = PageHeader.Size + index * BranchElement.Size;
        if (at + BranchElement.Size > page.Length)
        {
            problem = $"element {index} header lies past the page end";
            return false;
        }
        var e = MemoryMarshal.Read<BranchElement>(page.Slice(at, BranchElement.Size));
        child = e.Pgid;
        return TrySlice(page, at, e.Pos, e.KeySize, 0, count, index, out key, out _, out problem);
    }

    public static bool TryLeaf(ReadOnlySpan<byte> page, int index, int count, out uint flags, out ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value, out string? problem)
    {
        key = default;
        value = default;
        flags = 0;
        int at = PageHeader.Size + index * LeafElement.Size;
        if (at + LeafElement.Size > page.Length)
        {
            problem = $"element {index} header lies past the page end";
            return false;
        }
        var e = MemoryMarshal.Read<LeafElement>(page.Slice(at, LeafElement.Size));
        flags = e.Flags;
        return TrySlice(page, at, e.Pos, e.KeySize, e.ValueSize, count, index, out key, out value, out problem);
    }

    private static bool TrySlice(ReadOnlySpan<byte> page, int elementAt, uint pos, uint keySize, uint valueSize, int count, int index,
        out ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value, out string? problem)
    {
        key = default;
        value = default;
        long keyStart = (long)elementAt + pos;
        long keyEnd = keyStart + keySize;
        long valueEnd = keyEnd + valueSize;
        long headersEnd = PageHeader.Size + (long)count * BranchElement.Size;
        if (keyStart < headersEnd)
        {
            problem = $"element {index} puts its key at offset {keyStart}, inside the element headers (which end at {headersEnd})";
            return false;
        }
        if (valueEnd > page.Length)
        {
            problem = $"element {index} key/value [{keyStart}, {valueEnd}) runs past the page end ({page.Length} bytes with overflow)";
            return false;
        }
        key = page.Slice((int)keyStart, (int)keySize);
        value = page.Slice((int)keyEnd, (int)valueSize);
        problem = null;
        return true;
    }
}

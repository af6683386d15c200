// The persisted freelist page: a sorted array of page ids after the header. A count of 0xFFFF
// means the array is longer than the u16 can say; the true count is then the array's first slot.
using System.Runtime.CompilerServices;

namespace FastKv.Bolt.Format;

public static unsafe class FreelistPage
{
    public const ushort OverflowCount = 0xFFFF;

    /// <summary>The ids stored in a freelist page whose header is at <paramref name="page"/>.</summary>
    public static ReadOnlySpan<ulong> Ids(byte* page)
    {
        var header = (PageHeader*)page;
        ulong* data = (ulong*)(page + PageHeader.Size);
        if (header->Count < OverflowCount)
            return new ReadOnlySpan<ulong>(data, header->Count);
        return new ReadOnlySpan<ulong>(data + 1, checked((int)data[0]));
    }

    /// <summary>Bytes a freelist page of <paramref name="count"/> ids needs.</summary>
    public static long SizeFor(long count) =>
        PageHeader.Size + sizeof(ulong) * (count >= OverflowCount ? count + 1 : count);

    /// <summary>Writes <paramref name="sortedIds"/> into a freelist page at <paramref name="page"/> (header id/overflow set by caller).</summary>
    public static void Write(byte* page, ReadOnlySpan<ulong> sortedIds)
    {
        var header = (PageHeader*)page;
        header->Flags = PageFlags.Freelist;
        ulong* data = (ulong*)(page + PageHeader.Size);
        if (sortedIds.Length < OverflowCount)
        {
            header->Count = (ushort)sortedIds.Length;
        }
        else
        {
            header->Count = OverflowCount;
            *data++ = (ulong)sortedIds.Length;
        }
        sortedIds.CopyTo(new Span<ulong>(data, sortedIds.Length));
    }
}

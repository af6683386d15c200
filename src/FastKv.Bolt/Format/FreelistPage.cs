// The persisted freelist page: a sorted array of page ids after the header. A count of 0xFFFF
// means the array is longer than the u16 can say; the true count is then the array's first slot.
using System.Runtime.CompilerServices;

namespace FastKv.Bolt.Format;

public static unsafe class FreelistPage
{
    public const ushort OverflowCount = 0xFFFF;

    /// <summary>How many ids the freelist page at <paramref name="page"/> says it holds.</summary>
    public static long Count(byte* page)
    {
        ushort count = ((PageHeader*)page)->Count;
        return count < OverflowCount ? count : (long)*(ulong*)(page + PageHeader.Size);
    }

    /// <summary>The ids stored in a freelist page whose header is at <paramref name="page"/>.</summary>
    public static ReadOnlySpan<ulong> Ids(byte* page)
    {
        ulong* data = (ulong*)(page + PageHeader.Size);
        int count = checked((int)Count(page));
        return ((PageHeader*)page)->Count < OverflowCount
            ? new ReadOnlySpan<ulong>(data, count)
            : new ReadOnlySpan<ulong>(data + 1, count);
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

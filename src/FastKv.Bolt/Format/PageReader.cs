// Reads the parts of a mapped page: element headers, keys, values. Every method takes a pointer
// to the page's first byte; the caller guarantees the page (and its overflow) is mapped.
using System.Runtime.CompilerServices;

namespace FastKv.Bolt.Format;

public static unsafe class PageReader
{
    public static ref PageHeader Header(byte* page) => ref Unsafe.AsRef<PageHeader>(page);

    public static BranchElement* Branch(byte* page, int index) =>
        (BranchElement*)(page + PageHeader.Size) + index;

    public static LeafElement* Leaf(byte* page, int index) =>
        (LeafElement*)(page + PageHeader.Size) + index;

    public static ReadOnlySpan<byte> BranchKey(byte* page, int index)
    {
        var e = Branch(page, index);
        return new ReadOnlySpan<byte>((byte*)e + e->Pos, (int)e->KeySize);
    }

    public static ReadOnlySpan<byte> LeafKey(byte* page, int index)
    {
        var e = Leaf(page, index);
        return new ReadOnlySpan<byte>((byte*)e + e->Pos, (int)e->KeySize);
    }

    public static ReadOnlySpan<byte> LeafValue(byte* page, int index)
    {
        var e = Leaf(page, index);
        return new ReadOnlySpan<byte>((byte*)e + e->Pos + e->KeySize, (int)e->ValueSize);
    }

    public static ref Meta MetaOf(byte* page) => ref Unsafe.AsRef<Meta>(page + PageHeader.Size);

    public static BucketHeader ReadBucketHeader(ReadOnlySpan<byte> value) =>
        Unsafe.ReadUnaligned<BucketHeader>(ref Unsafe.AsRef(in value[0]));
}

// Edits a copy of a page file in memory to plant one precise kind of damage: rewrite a header
// field, an element, a meta (resealed so only the planted damage shows).
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using FastKv.Bolt.Format;

namespace FastKv.Bolt.Tests.Check;

internal sealed class FileSurgery(byte[] bytes, int pageSize = 4096)
{
    public byte[] Bytes { get; } = bytes;

    public static FileSurgery Load(string path) => new(File.ReadAllBytes(path));

    public void Save(string path) => File.WriteAllBytes(path, Bytes);

    public Span<byte> Page(ulong pgid) => Bytes.AsSpan((int)pgid * pageSize, pageSize);

    public ref PageHeader Header(ulong pgid) => ref MemoryMarshal.AsRef<PageHeader>(Page(pgid));

    public ref BranchElement Branch(ulong pgid, int index) =>
        ref MemoryMarshal.AsRef<BranchElement>(Page(pgid).Slice(PageHeader.Size + index * BranchElement.Size));

    public ref LeafElement Leaf(ulong pgid, int index) =>
        ref MemoryMarshal.AsRef<LeafElement>(Page(pgid).Slice(PageHeader.Size + index * LeafElement.Size));

    public ref Meta MetaOf(int index) => ref MemoryMarshal.AsRef<Meta>(Page((ulong)index).Slice(PageHeader.Size));

    /// <summary>Applies <paramref name="edit"/> to both metas and reseals their checksums.</summary>
    public void EditMetas(Func<Meta, Meta> edit)
    {
        for (int i = 0; i < 2; i++)
        {
            var meta = edit(MetaOf(i));
            meta.Seal();
            MetaOf(i) = meta;
        }
    }

    /// <summary>Writes a freelist page at <paramref name="pgid"/> listing <paramref name="ids"/> and points both metas at it.</summary>
    public void PersistFreelist(ulong pgid, params ulong[] ids)
    {
        var page = Page(pgid);
        page.Clear();
        ref var header = ref Header(pgid);
        header.Id = pgid;
        header.Flags = PageFlags.Freelist;
        header.Count = (ushort)ids.Length;
        for (int i = 0; i < ids.Length; i++)
            BinaryPrimitives.WriteUInt64LittleEndian(page.Slice(PageHeader.Size + i * 8), ids[i]);
        EditMetas(m => { m.Freelist = pgid; return m; });
    }
}

// Builds small bolt files byte by byte for shapes real writers never produce (deep chains, deep
// inline nesting), so the checker's limits can be tested: two sealed metas, then caller pages.
using System.Buffers.Binary;
using FastKv.Bolt.Format;

namespace FastKv.Bolt.Tests.Check;

internal sealed class SyntheticFile(int pageSize = 4096)
{
    private readonly List<byte[]> _pages = new();

    public int PageSize => pageSize;
    public ulong NextPgid => 2 + (ulong)_pages.Sum(p => p.Length / pageSize);

    /// <summary>Appends a page (with overflow pages when <paramref name="body"/> needs them); returns its id.</summary>
    public ulong Add(ushort flags, ushort count, byte[] body)
    {
        ulong id = NextPgid;
        int span = (PageHeader.Size + body.Length + pageSize - 1) / pageSize;
        var page = new byte[span * pageSize];
        BinaryPrimitives.WriteUInt64LittleEndian(page, id);
        BinaryPrimitives.WriteUInt16LittleEndian(page.AsSpan(8), flags);
        BinaryPrimitives.WriteUInt16LittleEndian(page.AsSpan(10), count);
        BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(12), (uint)(span - 1));
        body.CopyTo(page, PageHeader.Size);
        _pages.Add(page);
        return id;
    }

    /// <summary>Element array plus data for a leaf of one element, as it would follow a page header.</summary>
    public static byte[] OneLeafElement(uint flags, byte[] key, byte[] value)
    {
        var body = new byte[LeafElement.Size + key.Length + value.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(body, flags);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(4), LeafElement.Size);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(8), (uint)key.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(12), (uint)value.Length);
        key.CopyTo(body, LeafElement.Size);
        value.CopyTo(body, LeafElement.Size + key.Length);
        return body;
    }

    public static byte[] OneBranchElement(byte[] key, ulong child)
    {
        var body = new byte[BranchElement.Size + key.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(body, BranchElement.Size);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(4), (uint)key.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(8), child);
        key.CopyTo(body, BranchElement.Size);
        return body;
    }

    /// <summary>A bucket value holding an inline bucket whose page is a leaf of the given elements.</summary>
    public static byte[] InlineBucket(ushort count, byte[] elements)
    {
        var value = new byte[BucketHeader.Size + PageHeader.Size + elements.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(value.AsSpan(BucketHeader.Size + 8), PageFlags.Leaf);
        BinaryPrimitives.WriteUInt16LittleEndian(value.AsSpan(BucketHeader.Size + 10), count);
        elements.CopyTo(value, BucketHeader.Size + PageHeader.Size);
        return value;
    }

    /// <summary>The file: metas naming <paramref name="root"/> and <paramref name="freelist"/>, the added pages, then zeroed pages up to <paramref name="totalPages"/>.</summary>
    public byte[] Build(ulong root, ulong freelist = Meta.NoFreelist, ulong? totalPages = null)
    {
        ulong pgid = Math.Max(NextPgid, totalPages ?? 0);
        var file = new byte[(int)pgid * pageSize];
        for (int i = 0; i < 2; i++)
        {
            var page = file.AsSpan(i * pageSize, pageSize);
            BinaryPrimitives.WriteUInt64LittleEndian(page, (ulong)i);
            BinaryPrimitives.WriteUInt16LittleEndian(page.Slice(8), PageFlags.Meta);
            var meta = new Meta
            {
                Magic = Meta.MagicValue, Version = Meta.VersionValue, PageSize = (uint)pageSize,
                Root = new BucketHeader { Root = root }, Freelist = freelist, Pgid = pgid, Txid = (ulong)i,
            };
            meta.Seal();
            System.Runtime.InteropServices.MemoryMarshal.Write(page.Slice(PageHeader.Size), in meta);
        }
        int at = 2 * pageSize;
        foreach (var p in _pages)
        {
            p.CopyTo(file, at);
            at += p.Length;
        }
        return file;
    }
}

// The commit manifest: what lets a small commit be made durable with one fdatasync instead of two.
// Such a commit writes its pages and its meta, then syncs once; a crash in between may leave the
// new meta on disk without some of its pages. So the meta page carries, in the bytes after the 64
// that bbolt reads, the list of pages the commit wrote with a CRC-32C of each; an open trusts that
// meta only when every listed page matches, and otherwise falls back to the other meta (whose
// commit was synced before this one began, and whose pages this one never overwrote). A commit
// that grows the file never takes this path, so a one-sync meta always lies within its file.
//
// Layout at byte 80 of the meta page (after the page header and the meta):
//   magic u32 "FKCM" | version u16 | count u16 | txid u64 | count × { pgid u64, pages u32, crc u32 } | crc u32
// The last CRC covers the 64 meta bytes, the header and the entries, binding the manifest to its meta.
//
// Whether a meta has a manifest at all is decided inside the checksummed meta, not by the manifest's
// own bytes (a torn meta-page write could leave stale bytes there): the meta's flags field, which bbolt
// neither reads nor sets, holds 0x8000_0000 | the low 31 bits of the txid. A meta whose flags do not
// match its txid (written by bbolt, which copies the flags forward to later txids, by the two-sync
// path, or by a new file) has no manifest and was synced before it was written.
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace FastKv.Bolt.Format;

public enum ManifestState
{
    /// <summary>The meta has no manifest: its pages were synced before the meta was written.</summary>
    None,
    /// <summary>Every page the manifest lists holds what the commit wrote.</summary>
    Verified,
    /// <summary>The manifest is missing, damaged, or some page it lists does not match: the commit did not fully reach the disk.</summary>
    Torn,
    /// <summary>Not checked: the meta's high-water mark lies past the end of the file. One-sync commits never grow
    /// the file, so this is a truncated file (or a damaged meta), which a crash does not explain.</summary>
    Unchecked,
}

/// <summary>What a meta's manifest says about its commit; <see cref="Problem"/> explains a torn one.</summary>
public readonly record struct ManifestCheck(ManifestState State, int Pages, string? Problem)
{
    public static ManifestCheck NotPresent => new(ManifestState.None, 0, null);

    public string Describe() => State switch
    {
        ManifestState.None => "none (pages synced before the meta)",
        ManifestState.Verified => $"verified ({Pages} page{(Pages == 1 ? "" : "s")} written by this commit match their CRC-32C)",
        ManifestState.Unchecked => "not checked: the high-water mark lies past the end of the file",
        _ => $"TORN: {Problem}",
    };
}

/// <summary>One run of pages a commit wrote: the first page id, how many pages (with overflow), and their CRC-32C.</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct ManifestEntry(ulong Pgid, uint Pages, uint Crc);

/// <summary>Reads the bytes of <paramref name="pages"/> pages starting at <paramref name="pgid"/>; false when they are not in the file.</summary>
public delegate bool ManifestPageSource(ulong pgid, uint pages, out ReadOnlySpan<byte> bytes);

public static class CommitManifest
{
    public const uint MagicValue = 0x4D434B46; // "FKCM" little-endian
    public const ushort VersionValue = 1;
    /// <summary>Where the manifest starts in the meta page: after the page header and the 64-byte meta.</summary>
    public const int Offset = PageHeader.Size + Meta.Size;
    public const int HeaderSize = 16;
    public const int EntrySize = 16;
    public const int TrailerSize = 4;

    /// <summary>How many page runs fit in a meta page of <paramref name="pageSize"/> bytes.</summary>
    public static int Capacity(int pageSize) => Math.Min(ushort.MaxValue, (pageSize - Offset - HeaderSize - TrailerSize) / EntrySize);

    /// <summary>Bytes of a manifest with <paramref name="count"/> entries.</summary>
    public static int Size(int count) => HeaderSize + count * EntrySize + TrailerSize;

    /// <summary>The meta flags that say "this meta has a manifest".</summary>
    public static uint TagFor(ulong txid) => 0x8000_0000u | (uint)(txid & 0x7FFF_FFFF);

    public static bool IsTagged(in Meta meta) => meta.Flags == TagFor(meta.Txid);

    /// <summary>The CRC-32C of one page run as the commit writes it.</summary>
    public static uint PageCrc(ReadOnlySpan<byte> pages) => Crc32C.Compute(pages);

    /// <summary>
    /// Writes the manifest into <paramref name="metaPage"/> (the page from its header on, with the sealed
    /// meta in place) and returns how many bytes of the page must be written: header, meta and manifest.
    /// </summary>
    public static int Write(Span<byte> metaPage, ReadOnlySpan<ManifestEntry> entries)
    {
        var meta = MemoryMarshal.Read<Meta>(metaPage[PageHeader.Size..]);
        int size = Size(entries.Length);
        if (entries.Length > Capacity(metaPage.Length) || Offset + size > metaPage.Length)
            throw new ArgumentException($"{entries.Length} page runs do not fit in a {metaPage.Length}-byte meta page", nameof(entries));
        var m = metaPage.Slice(Offset, size);
        BinaryPrimitives.WriteUInt32LittleEndian(m, MagicValue);
        BinaryPrimitives.WriteUInt16LittleEndian(m[4..], VersionValue);
        BinaryPrimitives.WriteUInt16LittleEndian(m[6..], (ushort)entries.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(m[8..], meta.Txid);
        for (int i = 0; i < entries.Length; i++)
        {
            var e = m.Slice(HeaderSize + i * EntrySize, EntrySize);
            BinaryPrimitives.WriteUInt64LittleEndian(e, entries[i].Pgid);
            BinaryPrimitives.WriteUInt32LittleEndian(e[8..], entries[i].Pages);
            BinaryPrimitives.WriteUInt32LittleEndian(e[12..], entries[i].Crc);
        }
        BinaryPrimitives.WriteUInt32LittleEndian(m[(size - TrailerSize)..], OwnCrc(metaPage, size));
        return Offset + size;
    }

    // Covers the meta (so a stale manifest never passes for a newer meta's) and the manifest before the trailer.
    private static uint OwnCrc(ReadOnlySpan<byte> metaPage, int size)
    {
        uint crc = Crc32C.Update(0xFFFFFFFF, metaPage.Slice(PageHeader.Size, Meta.Size));
        return ~Crc32C.Update(crc, metaPage.Slice(Offset, size - TrailerSize));
    }

    /// <summary>
    /// Verifies the manifest of <paramref name="meta"/> (already checksum-valid). <paramref name="metaPage"/> holds
    /// the meta page from its header on (as much of it as the file has); <paramref name="dataLength"/> is the
    /// file's length in bytes; <paramref name="read"/> supplies the pages the manifest lists.
    /// </summary>
    public static ManifestCheck Verify(ReadOnlySpan<byte> metaPage, in Meta meta, int pageSize, long dataLength, ManifestPageSource read)
    {
        if (!IsTagged(meta)) return ManifestCheck.NotPresent;
        if ((long)meta.Pgid * pageSize > dataLength)
            return new ManifestCheck(ManifestState.Unchecked, 0, null);
        if (metaPage.Length < Offset + Size(0))
            return Torn("the meta page is cut short before its manifest");
        var m = metaPage[Offset..];
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(m);
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(m[4..]);
        int count = BinaryPrimitives.ReadUInt16LittleEndian(m[6..]);
        ulong txid = BinaryPrimitives.ReadUInt64LittleEndian(m[8..]);
        if (magic != MagicValue)
            return Torn($"its flags say it carries a manifest, but none is there (magic 0x{magic:x8}): the meta page was torn");
        if (version != VersionValue)
            return Torn($"its manifest has version {version}, this build reads version {VersionValue}");
        if (txid != meta.Txid)
            return Torn($"its manifest belongs to txid {txid}: the meta page was torn");
        if (count > Capacity(pageSize) || Offset + Size(count) > metaPage.Length)
            return Torn($"its manifest claims {count} entries, more than a {pageSize}-byte meta page holds");
        int size = Size(count);
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(m[(size - TrailerSize)..]);
        if (stored != OwnCrc(metaPage, size))
            return Torn("its manifest fails its CRC-32C: the meta page was torn");
        int pages = 0;
        for (int i = 0; i < count; i++)
        {
            var e = m.Slice(HeaderSize + i * EntrySize, EntrySize);
            ulong pgid = BinaryPrimitives.ReadUInt64LittleEndian(e);
            uint run = BinaryPrimitives.ReadUInt32LittleEndian(e[8..]);
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(e[12..]);
            if (pgid < 2 || run == 0 || pgid + run > meta.Pgid)
                return Torn($"its manifest lists pages [{pgid}, {pgid + run}), outside the tree [2, {meta.Pgid})");
            if (!read(pgid, run, out var bytes))
                return Torn($"page {pgid} (+{run - 1} overflow) of this commit lies past the end of the file");
            uint actual = PageCrc(bytes);
            if (actual != crc)
                return Torn($"page {pgid}{(run > 1 ? $" (+{run - 1} overflow)" : "")} does not hold what txid {meta.Txid} wrote (CRC-32C 0x{actual:x8}, manifest says 0x{crc:x8})");
            pages += (int)run;
        }
        return new ManifestCheck(ManifestState.Verified, pages, null);
    }

    private static ManifestCheck Torn(string why) => new(ManifestState.Torn, 0, why);
}

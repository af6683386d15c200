// Picks the meta an open uses: both metas are read and checked (magic, version, checksum); the
// valid one with the higher txid wins, so a torn write of the newest meta falls back to the
// previous commit. The winner must then describe a tree inside the file.
using FastKv.Bolt.Format;
using Microsoft.Win32.SafeHandles;

namespace FastKv.Bolt;

internal static unsafe class MetaSelector
{
    public static Meta Select(string path, SafeFileHandle file, long fileSize)
    {
        if (fileSize < PageHeader.Size + Meta.Size)
            throw new BoltException($"{path}: {fileSize} bytes is too small to be a bolt file (truncated?)");

        var meta0 = ReadMeta(file, 0, fileSize);
        int pageSize = 0;
        if (meta0 is { } m0 && m0.Problem() is null && PageSizes.IsPlausible(m0.PageSize)) pageSize = (int)m0.PageSize;
        else
        {
            // Meta 0 is unusable: find meta 1 to learn the page size.
            foreach (uint candidate in PageSizes.Candidates)
                if (ReadMeta(file, candidate, fileSize) is { } m && m.Problem() is null && m.PageSize == candidate)
                {
                    pageSize = (int)candidate;
                    break;
                }
        }
        if (pageSize == 0)
        {
            string why = meta0?.Problem() ?? "unreadable";
            throw new BoltException($"{path}: invalid database: meta page 0: {why}, and no valid meta page 1 was found");
        }

        var meta1 = ReadMeta(file, pageSize, fileSize);
        // A torn meta write fails its checksum: fall back to the other meta. A checksummed meta that
        // points outside the file means the file was cut short (or the meta lies): falling back
        // would silently drop commits, so refuse instead.
        string? p0 = meta0 is { } a ? a.Problem() : "missing (file too short)";
        string? p1 = meta1 is { } b ? b.Problem() : "missing (file too short)";
        Meta chosen;
        if (p0 is null && p1 is null) chosen = meta1!.Value.Txid > meta0!.Value.Txid ? meta1.Value : meta0.Value;
        else if (p0 is null) chosen = meta0!.Value;
        else if (p1 is null) chosen = meta1!.Value;
        else throw new BoltCorruptionException($"{path}: no usable meta page: meta 0: {p0}; meta 1: {p1}");

        if (Bounds(chosen, pageSize, fileSize) is { } outside)
        {
            int page = (int)(chosen.Txid % 2);
            throw new BoltCorruptionException($"{path}: meta page {page} (txid {chosen.Txid}): {outside}");
        }
        return chosen;
    }

    private static Meta? ReadMeta(SafeFileHandle file, long pageOffset, long fileSize)
    {
        if (pageOffset + PageHeader.Size + Meta.Size > fileSize) return null;
        Meta meta;
        var span = new Span<byte>(&meta, Meta.Size);
        if (RandomAccess.Read(file, span, pageOffset + PageHeader.Size) != Meta.Size) return null;
        return meta;
    }

    private static string? Bounds(in Meta m, int pageSize, long fileSize)
    {
        if (m.PageSize != pageSize) return $"page size {m.PageSize} differs from the other meta's {pageSize}";
        long highWater = (long)m.Pgid * pageSize;
        if (m.Pgid < 4 || highWater > fileSize)
            return $"high-water mark {m.Pgid} pages ({highWater} bytes) lies beyond the end of the {fileSize}-byte file (truncated?)";
        if (m.Root.Root < 2 || m.Root.Root >= m.Pgid)
            return $"root page {m.Root.Root} is outside the tree (high-water mark {m.Pgid})";
        if (m.Freelist != Meta.NoFreelist && (m.Freelist < 2 || m.Freelist >= m.Pgid))
            return $"freelist page {m.Freelist} is outside the tree (high-water mark {m.Pgid})";
        return null;
    }
}

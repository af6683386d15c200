// Picks the meta an open uses: both metas are read and checked (magic, version, checksum); the
// valid one with the higher txid wins, so a torn write of the newest meta falls back to the
// previous commit. A one-sync commit's meta wins only when its manifest verifies (every page it
// wrote reached the disk); otherwise the other meta, synced before that commit began, is used.
// The winner must then describe a tree inside the file.
using System.Buffers;
using FastKv.Bolt.Format;
using Microsoft.Win32.SafeHandles;

namespace FastKv.Bolt;

/// <summary>The meta an open uses and, when the newest meta was a torn one-sync commit, that meta and why.</summary>
internal readonly record struct MetaSelection(Meta Chosen, Meta? Torn, int TornSlot, string? TornProblem);

internal static unsafe class MetaSelector
{
    public static MetaSelection Select(string path, SafeFileHandle file, long fileSize)
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
        int chosenSlot;
        if (p0 is null && p1 is null) chosenSlot = meta1!.Value.Txid > meta0!.Value.Txid ? 1 : 0;
        else if (p0 is null) chosenSlot = 0;
        else if (p1 is null) chosenSlot = 1;
        else throw new BoltCorruptionException($"{path}: no usable meta page: meta 0: {p0}; meta 1: {p1}");
        Meta chosen = chosenSlot == 0 ? meta0!.Value : meta1!.Value;

        var manifest = VerifyManifest(file, chosen, chosenSlot, pageSize, fileSize);
        if (manifest.State == ManifestState.Torn)
        {
            // The newest commit did not fully reach the disk, so it was never acknowledged. The other meta's
            // commit was synced before it began, and it wrote only pages that commit does not use.
            int otherSlot = 1 - chosenSlot;
            string? otherProblem = otherSlot == 0 ? p0 : p1;
            Meta other = otherSlot == 0 ? meta0.GetValueOrDefault() : meta1.GetValueOrDefault();
            if (otherProblem is null)
            {
                var otherManifest = VerifyManifest(file, other, otherSlot, pageSize, fileSize);
                otherProblem = otherManifest.State == ManifestState.Torn ? otherManifest.Problem : Bounds(other, pageSize, fileSize);
            }
            if (otherProblem is not null)
                throw new BoltCorruptionException(
                    $"{path}: meta page {chosenSlot} (txid {chosen.Txid}) is a commit that did not fully reach the disk ({manifest.Problem}), " +
                    $"and meta page {otherSlot} cannot be used instead ({otherProblem}); run `fastkvutl db check` on the file");
            return new MetaSelection(other, chosen, chosenSlot, manifest.Problem);
        }

        if (Bounds(chosen, pageSize, fileSize) is { } outside)
            throw new BoltCorruptionException($"{path}: meta page {chosenSlot} (txid {chosen.Txid}): {outside}");
        return new MetaSelection(chosen, null, -1, null);
    }

    private static ManifestCheck VerifyManifest(SafeFileHandle file, in Meta meta, int slot, int pageSize, long fileSize)
    {
        if (!CommitManifest.IsTagged(meta)) return ManifestCheck.NotPresent;
        long offset = (long)slot * pageSize;
        byte[] metaPage = new byte[(int)Math.Min(pageSize, fileSize - offset)];
        RandomAccess.Read(file, metaPage, offset);
        byte[]? buffer = null;
        try
        {
            return CommitManifest.Verify(metaPage, meta, pageSize, fileSize, (ulong pgid, uint pages, out ReadOnlySpan<byte> bytes) =>
            {
                bytes = default;
                long start = (long)pgid * pageSize, length = (long)pages * pageSize;
                if (start + length > fileSize || length > int.MaxValue) return false;
                if (buffer == null || buffer.Length < length)
                {
                    if (buffer != null) ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent((int)length);
                }
                var span = buffer.AsSpan(0, (int)length);
                if (RandomAccess.Read(file, span, start) != length) return false;
                bytes = span;
                return true;
            });
        }
        finally
        {
            if (buffer != null) ArrayPool<byte>.Shared.Return(buffer);
        }
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

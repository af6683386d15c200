// Repairs a damaged page file into a new one, never in place: walks everything reachable and valid
// in the input (skipping damaged pages, subtrees and pages already visited), writes every bucket,
// key and value it could read into a fresh file with the database API, syncs it once, moves it to
// the output path, and checks the result. The report says what was dropped and why.
using FastKv.Bolt.Check;
using FastKv.Bolt.Format;

namespace FastKv.Bolt.Repair;

public static class BoltRepairer
{
    public static RepairReport Repair(string inputPath, string outputPath, RepairOptions? options = null)
    {
        options ??= RepairOptions.Default;
        string input = Path.GetFullPath(inputPath);
        string output = Path.GetFullPath(outputPath);
        if (input == output)
            throw new BoltException($"refusing to repair {inputPath} in place: give a different output path (the input is never changed)");
        if (File.Exists(output) || Directory.Exists(output))
            throw new BoltException($"refusing to overwrite {outputPath}: it already exists; choose a new output path");
        if (!File.Exists(input))
            throw new FileNotFoundException($"{inputPath}: no such file", inputPath);

        using var source = RawPageFile.Open(input);
        var (meta, slot) = PickTree(source, options, inputPath);
        // The input's damage as seen from the tree being copied (file-level problems included when it is the reader's choice).
        var inputCheck = slot != null && slot == source.Chosen ? BoltChecker.Check(source) : BoltChecker.Check(source, meta, null);
        var other = slot == null ? null : slot.Index == 0 ? source.Meta1 : source.Meta0;

        string temp = output + ".repairing";
        File.Delete(temp);
        var dbOptions = new BoltOptions
        {
            NoSync = true,
            PageSize = (int)source.PageSize,
            NoFreelistSync = meta.Freelist == Meta.NoFreelist,
        };
        RepairWriter writer;
        try
        {
            using (var db = BoltDb.Open(temp, dbOptions))
            {
                writer = new RepairWriter(db, meta.Root.Sequence);
                try
                {
                    new TreeWalker(source, meta.Pgid, new PageReferences(source.PageCount), new ProblemLog(), writer).WalkRoot(meta.Root.Root);
                    writer.Finish();
                }
                catch
                {
                    writer.Abandon();
                    throw;
                }
            }
            // One sync for the whole bulk load, then the file appears under its final name.
            using (var stream = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite))
                stream.Flush(flushToDisk: true);
            File.Move(temp, output, overwrite: false);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }

        return new RepairReport
        {
            Input = inputPath,
            Output = outputPath,
            InputCheck = inputCheck,
            OutputCheck = BoltChecker.CheckFile(output),
            KeysKept = writer.KeysKept,
            BucketsKept = writer.BucketsKept,
            DuplicateKeys = writer.DuplicateKeys,
            Dropped = writer.Dropped,
            Hints = OrphanPages.Find(source, inputCheck, writer.Dropped),
            MetaUsed = slot,
            RootPage = meta.Root.Root,
            OtherMeta = other is { IsValid: true } ? new OtherMetaCheck(other, BoltChecker.Check(source, other.Meta, null)) : null,
            InputBytes = source.FileLength,
            OutputBytes = new FileInfo(output).Length,
        };
    }

    /// <summary>The meta whose tree to copy (null slot when the root was given explicitly).</summary>
    private static (Meta Meta, MetaSlot? Slot) PickTree(RawPageFile source, RepairOptions options, string inputPath)
    {
        if (options.RootPage is { } root)
        {
            if (options.MetaIndex != null)
                throw new ArgumentException("give either a meta or a root page, not both", nameof(options));
            if (root < 2 || root >= source.PageCount)
                throw new BoltException($"{inputPath}: root page {root} is not a data page of the file (pages 2..{source.PageCount - 1})");
            // Every page of the file counts as in use: without a trusted meta, the file's end is the only high-water mark.
            var synthetic = new Meta
            {
                Magic = Meta.MagicValue, Version = Meta.VersionValue, PageSize = source.PageSize,
                Root = new BucketHeader { Root = root }, Freelist = Meta.NoFreelist, Pgid = source.PageCount,
            };
            return (synthetic, null);
        }
        if (options.MetaIndex is not { } index)
        {
            if (source.Chosen is { } chosen) return (chosen.Meta, chosen);
            var candidates = RootCandidates.Find(source);
            string hint = candidates.Count == 0
                ? "no page looks like a root bucket either"
                : $"pages that look like a root bucket: {string.Join(", ", candidates)}; inspect them with `fastkvutl db page` and pass one with --root";
            throw new BoltException($"{inputPath}: no valid meta page, so there is no tree to copy (is it a bolt file?); {hint}");
        }
        var slot = index switch
        {
            0 => source.Meta0,
            1 => source.Meta1,
            _ => throw new ArgumentOutOfRangeException(nameof(options), $"meta index {index}: there are only metas 0 and 1"),
        };
        if (slot is not { IsValid: true })
            throw new BoltException($"{inputPath}: meta {index} cannot be used: {slot?.Problem ?? "the file is too short to hold it"}");
        return (slot.Meta, slot);
    }
}

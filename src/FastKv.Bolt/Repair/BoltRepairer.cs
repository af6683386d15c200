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
        var chosen = PickMeta(source, options, inputPath);
        var meta = chosen.Meta;
        // The input's damage as seen from the tree being copied (file-level problems included when it is the reader's choice).
        var inputCheck = chosen == source.Chosen ? BoltChecker.Check(source) : BoltChecker.Check(source, meta, null);
        var other = chosen.Index == 0 ? source.Meta1 : source.Meta0;

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
            MetaUsed = chosen,
            OtherMeta = other is { IsValid: true } ? new OtherMetaCheck(other, BoltChecker.Check(source, other.Meta, null)) : null,
            InputBytes = source.FileLength,
            OutputBytes = new FileInfo(output).Length,
        };
    }

    private static MetaSlot PickMeta(RawPageFile source, RepairOptions options, string inputPath)
    {
        if (options.MetaIndex is not { } index)
            return source.Chosen ?? throw new BoltException(
                $"{inputPath}: no valid meta page, so there is no tree to copy (is it a bolt file?)");
        var slot = index switch
        {
            0 => source.Meta0,
            1 => source.Meta1,
            _ => throw new ArgumentOutOfRangeException(nameof(options), $"meta index {index}: there are only metas 0 and 1"),
        };
        if (slot is not { IsValid: true })
            throw new BoltException($"{inputPath}: meta {index} cannot be used: {slot?.Problem ?? "the file is too short to hold it"}");
        return slot;
    }
}

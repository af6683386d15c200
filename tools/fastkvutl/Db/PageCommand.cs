// `fastkvutl db page <file> <id>`: one page decoded: its header, then its meta fields, freelist ids,
// or elements (keys and values in hex and printable text; nested buckets with their root and
// sequence). Every element is bounds-checked, so it also shows what is wrong with a damaged page.
using System.CommandLine;
using System.Runtime.InteropServices;
using FastKv.Bolt.Check;
using FastKv.Bolt.Format;

namespace FastKv.Util.Db;

internal static class PageCommand
{
    public static Command Build()
    {
        var file = DbArguments.File();
        var id = new Argument<ulong>("id") { Description = "Page id (0 and 1 are the metas; see `fastkvutl db pages`)" };
        var command = new Command("page", "Decode one page: header, then meta fields, freelist ids, or elements with keys and values in hex and text.")
        {
            file,
            id,
        };
        command.SetAction(parse => DbErrors.Guard(() => Run(DbArguments.RequireInput(parse.GetValue(file)), parse.GetValue(id), Console.Out)));
        return command;
    }

    public static int Run(string path, ulong pgid, TextWriter output)
    {
        using var file = RawPageFile.Open(path);
        if (pgid >= file.PageCount)
            throw new UsageException($"page {pgid} is not in the file: it has {file.PageCount} pages (0..{file.PageCount - 1})");
        var header = file.HeaderOf(pgid)!.Value;
        output.WriteLine($"page {pgid}: id {header.Id}{(header.Id != pgid ? " (MISMATCH)" : "")}, type {header.TypeName} (flags 0x{header.Flags:x2}), count {header.Count}, overflow {header.Overflow}");
        if (!file.TryGetPage(pgid, out var page, out _, out var problem))
        {
            output.WriteLine($"cannot decode: {problem!.Message}");
            return ToolRunner.ProblemsFound;
        }
        int problems = header.Flags switch
        {
            PageFlags.Meta => ShowMeta(page, output),
            PageFlags.Freelist => ShowFreelist(page, header, output),
            PageFlags.Branch => ShowBranch(page, header, output),
            PageFlags.Leaf => ShowLeaf(page, header, output),
            _ => ShowRaw(page, output),
        };
        return problems == 0 ? ToolRunner.Ok : ToolRunner.ProblemsFound;
    }

    private static int ShowMeta(ReadOnlySpan<byte> page, TextWriter output)
    {
        var m = MemoryMarshal.Read<Meta>(page[PageHeader.Size..]);
        output.WriteLine($"  magic      0x{m.Magic:x8}");
        output.WriteLine($"  version    {m.Version}");
        output.WriteLine($"  page size  {m.PageSize}");
        output.WriteLine($"  flags      0x{m.Flags:x}");
        output.WriteLine($"  root       page {m.Root.Root}, sequence {m.Root.Sequence}");
        output.WriteLine($"  freelist   {(m.Freelist == Meta.NoFreelist ? "not persisted (0xffffffffffffffff)" : $"page {m.Freelist}")}");
        output.WriteLine($"  high-water {m.Pgid} pages");
        output.WriteLine($"  txid       {m.Txid}");
        bool ok = m.Checksum == m.ComputeChecksum();
        output.WriteLine($"  checksum   0x{m.Checksum:x16} ({(ok ? "ok" : $"MISMATCH, contents hash to 0x{m.ComputeChecksum():x16}")})");
        return ok ? 0 : 1;
    }

    private static int ShowFreelist(ReadOnlySpan<byte> page, in PageHeader header, TextWriter output)
    {
        long count = header.Count;
        int start = PageHeader.Size;
        if (header.Count == FreelistPage.OverflowCount)
        {
            count = (long)Math.Min(MemoryMarshal.Read<ulong>(page[start..]), long.MaxValue);
            start += sizeof(ulong);
            output.WriteLine($"  count 0xFFFF: the true count, {count}, is in the first slot");
        }
        long room = (page.Length - start) / sizeof(ulong);
        int problems = 0;
        if (count > room)
        {
            output.WriteLine($"  PROBLEM: {count} ids claimed but only {room} fit in the page");
            count = room;
            problems++;
        }
        var ids = MemoryMarshal.Cast<byte, ulong>(page.Slice(start, (int)count * sizeof(ulong)));
        output.WriteLine($"  {ids.Length} free page ids:");
        for (int i = 0; i < ids.Length; i += 12)
            output.WriteLine("   " + string.Join(" ", ids.Slice(i, Math.Min(12, ids.Length - i)).ToArray()));
        return problems;
    }

    private static int ShowBranch(ReadOnlySpan<byte> page, in PageHeader header, TextWriter output)
    {
        int fit = PageElements.FittingCount(page, header.Count);
        int problems = fit < header.Count ? 1 : 0;
        if (problems > 0) output.WriteLine($"  PROBLEM: {header.Count} elements claimed but only {fit} element headers fit");
        for (int i = 0; i < fit; i++)
        {
            if (!PageElements.TryBranch(page, i, header.Count, out var key, out ulong child, out string? problem))
            {
                output.WriteLine($"  [{i}] PROBLEM: {problem} (child page {child})");
                problems++;
                continue;
            }
            output.WriteLine($"  [{i}] -> page {child}  key ({key.Length} bytes) {Bytes.HexAndText(key)}");
        }
        return problems;
    }

    private static int ShowLeaf(ReadOnlySpan<byte> page, in PageHeader header, TextWriter output)
    {
        int fit = PageElements.FittingCount(page, header.Count);
        int problems = fit < header.Count ? 1 : 0;
        if (problems > 0) output.WriteLine($"  PROBLEM: {header.Count} elements claimed but only {fit} element headers fit");
        for (int i = 0; i < fit; i++)
        {
            if (!PageElements.TryLeaf(page, i, header.Count, out uint flags, out var key, out var value, out string? problem))
            {
                output.WriteLine($"  [{i}] PROBLEM: {problem}");
                problems++;
                continue;
            }
            output.WriteLine($"  [{i}] key ({key.Length} bytes) {Bytes.HexAndText(key)}");
            if ((flags & LeafElement.BucketFlag) != 0 && value.Length >= BucketHeader.Size)
            {
                var bucket = MemoryMarshal.Read<BucketHeader>(value);
                string where = bucket.Root == 0 ? $"inline ({value.Length - BucketHeader.Size}-byte page in the value)" : $"root page {bucket.Root}";
                output.WriteLine($"      bucket: {where}, sequence {bucket.Sequence}");
            }
            else
            {
                if (flags != 0) output.WriteLine($"      flags 0x{flags:x}{(flags == LeafElement.BucketFlag ? "" : " (UNKNOWN)")}");
                output.WriteLine($"      value ({value.Length} bytes) {Bytes.HexAndText(value)}");
            }
        }
        return problems;
    }

    private static int ShowRaw(ReadOnlySpan<byte> page, TextWriter output)
    {
        output.WriteLine("  not a page type the format defines; first 256 bytes:");
        var shown = page[..Math.Min(256, page.Length)];
        for (int at = 0; at < shown.Length; at += 16)
            output.WriteLine($"  {at:x4}  {Bytes.HexAndText(shown.Slice(at, Math.Min(16, shown.Length - at)))}");
        return 1;
    }
}

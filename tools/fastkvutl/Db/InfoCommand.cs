// `fastkvutl db info <file>`: the file's size and page size and what each meta page says, valid or
// not, with the one a reader would use marked. Reads only the metas (and the snapshot trailer).
using System.CommandLine;
using FastKv.Bolt.Check;
using FastKv.Bolt.Format;

namespace FastKv.Util.Db;

internal static class InfoCommand
{
    public static Command Build()
    {
        var file = DbArguments.File();
        var command = new Command("info", "Show the page size, file size and both meta pages (txid, root, freelist, high-water mark, checksum). Exit 1 when a meta is unusable.")
        {
            file,
        };
        command.SetAction(parse => DbErrors.Guard(() => Run(DbArguments.RequireInput(parse.GetValue(file)), Console.Out)));
        return command;
    }

    public static int Run(string path, TextWriter output)
    {
        using var file = RawPageFile.Open(path);
        output.WriteLine($"file:        {path}");
        output.WriteLine($"file size:   {file.FileLength} bytes");
        output.WriteLine($"page size:   {file.PageSize} bytes");
        output.WriteLine($"pages:       {file.PageCount} whole pages in the file");
        if (file.HasSnapshotTrailer)
            output.WriteLine($"trailer:     32-byte etcd snapshot SHA-256, {(SnapshotTrailer.Matches(file) ? "matches the pages" : "DOES NOT MATCH the pages")}");
        foreach (var slot in new[] { file.Meta0, file.Meta1 })
        {
            if (slot == null)
            {
                output.WriteLine($"meta:        missing (the file is too short to hold it)");
                continue;
            }
            var m = slot.Meta;
            string used = slot == file.Chosen ? "  <- in use" : "";
            string freelist = m.Freelist == Meta.NoFreelist ? "not persisted" : $"page {m.Freelist}";
            string checksum = m.Checksum == m.ComputeChecksum() ? "ok" : "MISMATCH";
            output.WriteLine($"meta {slot.Index}:      txid {m.Txid}, root {m.Root.Root}, freelist {freelist}, high-water {m.Pgid} pages, " +
                             $"page size {m.PageSize}, version {m.Version}, magic 0x{m.Magic:x8}, checksum {checksum}{used}");
            if (!slot.IsValid)
                output.WriteLine($"             invalid: {slot.Problem} ({slot.Rule})");
            else if (m.Pgid > file.PageCount)
                output.WriteLine($"             high-water mark {m.Pgid} lies past the end of the file ({file.PageCount} pages): run `fastkvutl db check {path}`");
        }
        if (file.Chosen == null)
        {
            output.WriteLine("no usable meta page: this is not a bolt file, or both metas are damaged");
            return ToolRunner.ProblemsFound;
        }
        bool metaBeyondEof = new[] { file.Meta0, file.Meta1 }.Any(s => s is { IsValid: true } && s.Meta.Pgid > file.PageCount);
        return file.OpenProblems.Count == 0 && !metaBeyondEof ? ToolRunner.Ok : ToolRunner.ProblemsFound;
    }
}

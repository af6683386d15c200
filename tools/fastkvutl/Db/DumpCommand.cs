// `fastkvutl db dump <file> [--bucket a/b] [--format text|hex]`: every bucket, key and value, read
// from the raw file. On a damaged file it prints what it can read and warns about what it skips.
using System.CommandLine;
using FastKv.Bolt.Check;

namespace FastKv.Util.Db;

internal static class DumpCommand
{
    public static Command Build()
    {
        var file = DbArguments.File();
        var bucket = new Option<string>("--bucket", "-b") { Description = "Dump only this bucket; nest with '/', write binary names as 0x<hex> (e.g. --bucket key)" };
        var format = new Option<string>("--format", "-f") { Description = "How to print keys and values: text (quoted, \\xNN for non-printable bytes) or hex", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "hex");
        var command = new Command("dump", "Print buckets, keys and values (read from the raw file, so damaged files dump what can be read).")
        {
            file,
            bucket,
            format,
        };
        command.SetAction(parse => DbErrors.Guard(() => Run(DbArguments.RequireInput(parse.GetValue(file)), parse.GetValue(bucket), parse.GetValue(format) == "hex", Console.Out)));
        return command;
    }

    public static int Run(string path, string? bucket, bool hex, TextWriter output)
    {
        var only = BucketPath.Parse(bucket);
        using var file = RawPageFile.Open(path);
        if (file.Chosen == null)
            throw new InvalidDataException($"{path}: no usable meta page; run `fastkvutl db info {path}` to see why");
        var visitor = new DumpVisitor(output, only, hex);
        var problems = TreeWalker.WalkFile(file, file.Chosen.Meta, visitor);
        if (!visitor.FoundTarget)
        {
            Console.Error.WriteLine($"error: bucket {bucket} not found; run `fastkvutl db dump {path}` without --bucket to see the buckets");
            return ToolRunner.ProblemsFound;
        }
        if (problems.Count > 0)
        {
            Console.Error.WriteLine($"warning: {problems.Count} problems met; the dump may be incomplete. Run `fastkvutl db check {path}`.");
            return ToolRunner.ProblemsFound;
        }
        return ToolRunner.Ok;
    }
}

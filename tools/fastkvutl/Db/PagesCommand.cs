// `fastkvutl db pages <file>`: one line per page of the file: id, type from its header, element
// count, overflow, and what the check found it used for (reachable, free, unreachable, ...).
using System.CommandLine;
using FastKv.Bolt.Check;
using FastKv.Bolt.Format;

namespace FastKv.Util.Db;

internal static class PagesCommand
{
    public static Command Build()
    {
        var file = DbArguments.File();
        var command = new Command("pages", "List every page: id, type, element count, overflow, and its use (meta, branch, leaf, overflow, freelist, free, unreachable).")
        {
            file,
        };
        command.SetAction(parse => DbErrors.Guard(() => Run(DbArguments.RequireInput(parse.GetValue(file)), Console.Out)));
        return command;
    }

    public static int Run(string path, TextWriter output)
    {
        using var file = RawPageFile.Open(path);
        var report = BoltChecker.Check(file);
        output.WriteLine($"{"ID",-10} {"TYPE",-14} {"COUNT",6} {"OVERFLOW",9}  USE");
        for (ulong id = 0; id < file.PageCount; id++)
        {
            string use = id < (ulong)report.Pages.Count ? Describe(report.Pages[(int)id]) : "unknown (no usable meta)";
            if (id < (ulong)report.Pages.Count && report.Pages[(int)id] == PageUse.Overflow)
            {
                // An overflow page holds the tail of its first page's data; its "header" bytes are data.
                output.WriteLine($"{id,-10} {"-",-14} {"-",6} {"-",9}  {use}");
                continue;
            }
            var header = file.HeaderOf(id)!.Value;
            output.WriteLine($"{id,-10} {PageFlags.Describe(header.Flags),-14} {header.Count,6} {header.Overflow,9}  {use}");
        }
        if (!report.IsClean)
            output.WriteLine($"{report.ProblemCount} problems found: run `fastkvutl db check {path}` for details");
        return report.IsClean ? ToolRunner.Ok : ToolRunner.ProblemsFound;
    }

    private static string Describe(PageUse use) => use switch
    {
        PageUse.Meta => "meta",
        PageUse.Branch => "reachable branch",
        PageUse.Leaf => "reachable leaf",
        PageUse.Overflow => "overflow (continues the page before it)",
        PageUse.Freelist => "freelist",
        PageUse.Free => "free",
        PageUse.Unreachable => "UNREACHABLE (neither reachable nor free)",
        PageUse.BeyondHighWater => "beyond the high-water mark (unused)",
        _ => use.ToString(),
    };
}

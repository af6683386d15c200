// `fastkvutl db check <file>`: one line per problem (page, rule, message), then a summary. Exit 0
// when the file is consistent, 1 when it is not.
using System.CommandLine;
using FastKv.Bolt.Check;

namespace FastKv.Util.Db;

internal static class CheckCommand
{
    public static Command Build()
    {
        var file = DbArguments.File();
        var command = new Command("check", "Check a bolt file without opening it as a database: metas, high-water mark, that every page is reachable exactly once or free, page headers, element bounds and key order. Exit 0 clean, 1 problems found.")
        {
            file,
        };
        command.SetAction(parse => DbErrors.Guard(() => Run(DbArguments.RequireInput(parse.GetValue(file)), Console.Out)));
        return command;
    }

    public static int Run(string path, TextWriter output)
    {
        var report = BoltChecker.CheckFile(path);
        foreach (var problem in report.Problems)
            output.WriteLine(problem);
        if (report.OmittedProblems > 0)
        {
            output.WriteLine($"... {report.OmittedProblems} more problems not shown; per rule:");
            foreach (var (rule, count) in report.ProblemCountByRule.OrderBy(r => r.Key))
                output.WriteLine($"    {rule}: {count}");
        }
        output.WriteLine(Summary(report, path));
        return report.IsClean ? ToolRunner.Ok : ToolRunner.ProblemsFound;
    }

    private static string Summary(CheckReport report, string path)
    {
        string shape = report.Chosen is { } meta
            ? $"{report.PageCount} pages of {report.PageSize} bytes, meta {meta.Index} txid {meta.Meta.Txid}, {report.Buckets} buckets, {report.Keys} keys"
            : $"{report.FileLength} bytes, no usable meta";
        if (report.IsClean)
            return $"OK: {path} is consistent ({shape}).";
        string advice = report.Chosen == null
            ? "No valid meta page was found: check that this is a bolt file (an etcd member's member/snap/db)."
            : $"Run `fastkvutl db repair {path} --output <new file>` to write a repaired copy (the original is left as it is).";
        return $"DAMAGED: {report.ProblemCount} problem{(report.ProblemCount == 1 ? "" : "s")} in {path} ({shape}). {advice}";
    }
}

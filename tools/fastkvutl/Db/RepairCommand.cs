// `fastkvutl db repair <in> --output <out>`: writes a repaired copy (never in place), prints what
// it dropped and why, where lost keys may still be, and whether the copy passes the check.
using System.CommandLine;
using FastKv.Bolt;
using FastKv.Bolt.Check;
using FastKv.Bolt.Repair;

namespace FastKv.Util.Db;

internal static class RepairCommand
{
    public static Command Build()
    {
        var file = DbArguments.File();
        var output = DbArguments.Output("Path of the repaired copy to write; must not exist (the input is never changed)");
        var meta = new Option<int?>("--meta") { Description = "Copy the tree of meta page 0 or 1 instead of the newest valid one (the other meta is the previous commit)" };
        meta.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } m && m is not (0 or 1))
                result.AddError("--meta must be 0 or 1");
        });
        var root = new Option<ulong?>("--root") { Description = "Copy the tree whose root bucket is this page, ignoring both metas (for files whose metas are both damaged; the error then lists candidate pages)" };
        var command = new Command("repair", "Copy every bucket, key and value that can still be read into a new file, skipping damaged pages and subtrees; report what was dropped and check the copy. Exit 0 when the copy passes the check and nothing was dropped; 1 when something was dropped (the copy is still written) or the copy fails the check.")
        {
            file,
            output,
            meta,
            root,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(meta) != null && result.GetValue(root) != null)
                result.AddError("give either --meta or --root, not both");
        });
        command.SetAction(parse => DbErrors.Guard(() =>
        {
            string input = DbArguments.RequireInput(parse.GetValue(file));
            return Run(input, DbArguments.RequireNewOutput(input, parse.GetValue(output)), parse.GetValue(meta), parse.GetValue(root), Console.Out);
        }));
        return command;
    }

    public static int Run(string input, string output, int? metaIndex, ulong? rootPage, TextWriter console)
    {
        RepairReport report;
        try
        {
            report = BoltRepairer.Repair(input, output, new RepairOptions { MetaIndex = metaIndex, RootPage = rootPage });
        }
        catch (BoltException e)
        {
            console.WriteLine($"repair failed: {e.Message}");
            return ToolRunner.ProblemsFound;
        }

        console.WriteLine($"input:  {input}: {(report.InputCheck.IsClean ? "no problems found" : $"{report.InputCheck.ProblemCount} problems")}");
        foreach (var problem in report.InputCheck.Problems)
            console.WriteLine($"  {problem}");
        console.WriteLine(report.MetaUsed is { } used
            ? $"copied: the tree of meta {used.Index} (txid {used.Meta.Txid}, root page {report.RootPage})"
            : $"copied: the tree rooted at page {report.RootPage} (--root: both metas ignored)");
        console.WriteLine($"output: {output}: {report.BucketsKept} buckets, {report.KeysKept} keys written ({report.InputBytes} -> {report.OutputBytes} bytes)");
        if (report.DuplicateKeys > 0)
            console.WriteLine($"  {report.DuplicateKeys} keys were reachable twice; the first copy of each was kept");

        if (report.Dropped.Count == 0)
        {
            console.WriteLine("dropped: nothing; every key reachable in the input was copied");
        }
        else
        {
            console.WriteLine($"dropped: {report.Dropped.Count} item{(report.Dropped.Count == 1 ? "" : "s")}:");
            foreach (var d in report.Dropped)
            {
                string lost = d.KeysLost is { } n ? $"{n} key{(n == 1 ? "" : "s")} lost" : "number of keys lost unknown";
                string page = d.Cause.PageId is { } id ? $"page {id}" : "file";
                console.WriteLine($"  {page}: {d.Cause.Rule}: dropped {d.What} ({lost})");
                console.WriteLine($"      because {d.Cause.Message}");
            }
        }
        foreach (var hint in report.Hints)
            console.WriteLine($"hint: {hint.Message.Replace("<input>", input)}");
        if (report.Dropped.Count > 0 && report.OtherMeta is { } other)
        {
            var o = other.Meta;
            if (other.Check.IsClean)
                console.WriteLine($"hint: meta {o.Index} (txid {o.Meta.Txid}) describes a tree that passes the check, with {other.Check.Keys} keys; " +
                                  $"`fastkvutl db repair {input} --output <new file> --meta {o.Index}` copies that commit instead");
            else
                console.WriteLine($"note: meta {o.Index} (txid {o.Meta.Txid}) describes a tree with {other.Check.ProblemCount} problems too, so it is no better");
        }

        if (!report.Succeeded)
        {
            console.WriteLine($"FAILED: the repaired copy does not pass the check ({report.OutputCheck.ProblemCount} problems):");
            foreach (var problem in report.OutputCheck.Problems)
                console.WriteLine($"  {problem}");
            console.WriteLine("This is a bug in the repair; please report it with the input file.");
            return ToolRunner.ProblemsFound;
        }
        if (report.Dropped.Count > 0)
        {
            console.WriteLine($"REPAIRED WITH LOSSES: {output} passes `fastkvutl db check`, but the items above were dropped. Keep {input} until the copy has been verified in use.");
            return ToolRunner.ProblemsFound;
        }
        console.WriteLine($"OK: {output} passes `fastkvutl db check` and holds every key of {input}. Keep {input} until the copy has been verified in use.");
        return ToolRunner.Ok;
    }
}

// `fastkvutl db compact <in> --output <out>`: defragments a file into a new one (the input is only
// read), prints the sizes before and after, and checks the new file.
using System.CommandLine;
using FastKv.Bolt;
using FastKv.Bolt.Check;

namespace FastKv.Util.Db;

internal static class CompactCommand
{
    public static Command Build()
    {
        var file = DbArguments.File();
        var output = DbArguments.Output("Path of the compacted copy to write; must not exist (the input is only read)");
        var command = new Command("compact", "Write a defragmented copy (keys in order, pages packed full) and print the sizes before and after. The input must open cleanly; for a damaged file use `repair`.")
        {
            file,
            output,
        };
        command.SetAction(parse => DbErrors.Guard(() =>
        {
            string input = DbArguments.RequireInput(parse.GetValue(file));
            return Run(input, DbArguments.RequireNewOutput(input, parse.GetValue(output)), Console.Out);
        }));
        return command;
    }

    public static int Run(string input, string output, TextWriter console)
    {
        // Compaction copies what a cursor reads; on a damaged tree that can repeat or skip keys without
        // any error, so the input must pass the check first.
        var inputCheck = BoltChecker.CheckFile(input);
        if (!inputCheck.IsClean)
        {
            console.WriteLine($"refusing to compact {input}: it has {inputCheck.ProblemCount} problems, and a compacted copy would silently repeat or lose keys:");
            foreach (var problem in inputCheck.Problems.Take(20))
                console.WriteLine($"  {problem}");
            console.WriteLine($"Run `fastkvutl db repair {input} --output <new file>` instead: it copies what can be read and says what it dropped.");
            return ToolRunner.ProblemsFound;
        }
        CompactionResult result;
        try
        {
            using var db = BoltDb.Open(input, new BoltOptions { ReadOnly = true });
            result = db.CompactTo(output);
        }
        catch (BoltException e)
        {
            console.WriteLine($"cannot compact {input}: {e.Message}");
            console.WriteLine($"Run `fastkvutl db check {input}` to see what is wrong, and `fastkvutl db repair {input} --output <new file>` to recover what can be read.");
            return ToolRunner.ProblemsFound;
        }
        var check = BoltChecker.CheckFile(output);
        console.WriteLine($"compacted {input} (txid {result.SnapshotTxid}) into {output}");
        console.WriteLine($"  size before: {result.SizeBefore} bytes, {InUse(inputCheck)} bytes in use");
        console.WriteLine($"  size after:  {result.SizeAfter} bytes, {InUse(check)} bytes in use ({Change(result.SizeBefore, result.SizeAfter)})");
        console.WriteLine($"  copied:      {result.Buckets} buckets, {result.Keys} keys");
        if (!check.IsClean)
        {
            console.WriteLine($"FAILED: the compacted file does not pass the check ({check.ProblemCount} problems):");
            foreach (var problem in check.Problems)
                console.WriteLine($"  {problem}");
            return ToolRunner.ProblemsFound;
        }
        console.WriteLine($"OK: {output} passes `fastkvutl db check`.");
        return ToolRunner.Ok;
    }

    /// <summary>Bytes below the high-water mark: what the tree and its free pages occupy, whatever the file was grown to.</summary>
    private static long InUse(CheckReport report) => report.Chosen is { } m ? (long)m.Meta.Pgid * report.PageSize : 0;

    private static string Change(long before, long after)
    {
        if (before == 0 || before == after) return "same size";
        double percent = 100.0 * Math.Abs(before - after) / before;
        return after < before ? $"{percent:0.#}% smaller" : $"{percent:0.#}% larger: the file is grown ahead of need";
    }
}

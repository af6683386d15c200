// `fastkvutl db stats <file>`: per-bucket and total page counts by type, keys, depth, inline
// buckets and fill, measured from the raw file (so it works on files that cannot be opened).
using System.CommandLine;
using FastKv.Bolt.Check;

namespace FastKv.Util.Db;

internal static class StatsCommand
{
    public static Command Build()
    {
        var file = DbArguments.File();
        var command = new Command("stats", "Bucket statistics: branch/leaf/overflow page counts, keys, tree depth, inline buckets and page fill, per bucket and in total.")
        {
            file,
        };
        command.SetAction(parse => DbErrors.Guard(() => Run(DbArguments.RequireInput(parse.GetValue(file)), Console.Out)));
        return command;
    }

    public static int Run(string path, TextWriter output)
    {
        using var file = RawPageFile.Open(path);
        if (file.Chosen == null)
            throw new InvalidDataException($"{path}: no usable meta page; run `fastkvutl db info {path}` to see why");
        var visitor = new BucketStatsVisitor();
        var problems = TreeWalker.WalkFile(file, file.Chosen.Meta, visitor);

        output.WriteLine($"{"BUCKET",-28} {"BRANCH",7} {"BR-OVF",7} {"LEAF",7} {"LF-OVF",7} {"KEYS",9} {"DEPTH",5} {"BUCKETS",7} {"INLINE",6} {"FILL",6}");
        foreach (var s in visitor.Buckets)
        {
            string name = s.Inline ? s.Name + " (inline)" : s.Name;
            output.WriteLine($"{Cut(name, 28),-28} {s.BranchPages,7} {s.BranchOverflow,7} {s.LeafPages,7} {s.LeafOverflow,7} {s.Keys,9} {s.Depth,5} {s.NestedBuckets,7} {s.InlineBuckets,6} {Fill(s.BranchInUse + s.LeafInUse, s.BranchAlloc + s.LeafAlloc),6}");
        }

        var all = visitor.Buckets;
        long branchAlloc = all.Sum(s => s.BranchAlloc), branchUse = all.Sum(s => s.BranchInUse);
        long leafAlloc = all.Sum(s => s.LeafAlloc), leafUse = all.Sum(s => s.LeafInUse);
        long buckets = all.Count - 1, inline = all.Count(s => s.Inline);
        output.WriteLine();
        output.WriteLine($"Totals for {buckets} buckets ({file.PageCount} pages of {file.PageSize} bytes in the file)");
        output.WriteLine($"  branch pages:           {all.Sum(s => s.BranchPages)} (+{all.Sum(s => s.BranchOverflow)} overflow)");
        output.WriteLine($"  leaf pages:             {all.Sum(s => s.LeafPages)} (+{all.Sum(s => s.LeafOverflow)} overflow)");
        output.WriteLine($"  keys:                   {all.Sum(s => s.Keys)}");
        output.WriteLine($"  deepest tree:           {all.Max(s => s.Depth)} levels");
        output.WriteLine($"  inline buckets:         {inline} of {buckets}, {all.Sum(s => s.InlineInUse)} bytes");
        output.WriteLine($"  branch bytes:           {branchUse} used of {branchAlloc} allocated ({Fill(branchUse, branchAlloc)})");
        output.WriteLine($"  leaf bytes:             {leafUse} used of {leafAlloc} allocated ({Fill(leafUse, leafAlloc)})");
        if (problems.Count > 0)
        {
            output.WriteLine($"The walk met {problems.Count} problems and skipped what it could not read; run `fastkvutl db check {path}`.");
            return ToolRunner.ProblemsFound;
        }
        return ToolRunner.Ok;
    }

    private static string Fill(long used, long allocated) => allocated == 0 ? "-" : $"{100.0 * used / allocated:0}%";

    private static string Cut(string s, int width) => s.Length <= width ? s : s[..(width - 3)] + "...";
}

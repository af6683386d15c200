// `fastkvutl db ...` as an operator runs it: exit codes 0/1/2, one line per problem with page and
// rule, clear errors that say what to do, outputs that never overwrite anything.
using FastKv.Bolt.Check;
using FastKv.Bolt.Tests.Check;

namespace FastKv.Bolt.Tests.Tool;

public class DbToolTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void CheckCleanSnapshotExitsZero()
    {
        var r = ToolProcess.Run("db", "check", ToolFixtures.Snapshot);
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("OK:", r.Stdout.Trim());
        Assert.Contains("10 buckets", r.Stdout);
    }

    [Fact]
    public void CheckDamagedFilesNamesPageAndRuleAndSuggestsRepair()
    {
        var pgid = ToolProcess.Run("db", "check", ToolFixtures.PgidBeyondEof);
        Assert.Equal(1, pgid.ExitCode);
        Assert.Contains($"page 0: {CheckRules.HighWaterBeyondEof}:", pgid.Stdout);
        Assert.Contains($"page 1: {CheckRules.HighWaterBeyondEof}:", pgid.Stdout);
        Assert.Contains("fastkvutl db repair", pgid.Stdout);

        var twice = ToolProcess.Run("db", "check", ToolFixtures.BranchDoubleReference);
        Assert.Equal(1, twice.ExitCode);
        Assert.Contains($"page 30: {CheckRules.MultipleReferences}:", twice.Stdout);
        Assert.Contains("DAMAGED: 2 problems", twice.Stdout);
    }

    [Fact]
    public void UsageErrorsExitTwoWithAHint()
    {
        var missing = ToolProcess.Run("db", "check", _dir.File("nope.db"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("no such file", missing.Stderr);

        var directory = ToolProcess.Run("db", "info", _dir.Path);
        Assert.Equal(2, directory.ExitCode);
        Assert.Contains("member/snap/db", directory.Stderr);

        var noOutput = ToolProcess.Run("db", "repair", ToolFixtures.BranchDoubleReference);
        Assert.Equal(2, noOutput.ExitCode);
        Assert.Contains("--output", noOutput.Stderr);

        var badMode = ToolProcess.Run("db", "bench", "--write-mode", "sideways");
        Assert.Equal(2, badMode.ExitCode);
    }

    [Fact]
    public void HelpListsEveryCommand()
    {
        var help = ToolProcess.Run("db", "--help");
        Assert.Equal(0, help.ExitCode);
        foreach (string command in new[] { "check", "info", "stats", "pages", "page", "dump", "compact", "repair", "bench" })
            Assert.Contains(command, help.Stdout);
    }

    [Fact]
    public void InfoShowsBothMetasAndTheTrailer()
    {
        var r = ToolProcess.Run("db", "info", ToolFixtures.Snapshot);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("page size:   4096", r.Stdout);
        Assert.Contains("meta 0:      txid 39, root 36, freelist not persisted, high-water 37 pages", r.Stdout);
        Assert.Contains("<- in use", r.Stdout);
        Assert.Contains("matches the pages", r.Stdout);

        var bad = ToolProcess.Run("db", "info", ToolFixtures.PgidBeyondEof);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("high-water 1706 pages", bad.Stdout);
    }

    [Fact]
    public void PagesAndPageDescribeTheLayout()
    {
        var pages = ToolProcess.Run("db", "pages", ToolFixtures.Snapshot);
        Assert.Equal(0, pages.ExitCode);
        string[] lines = pages.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1 + 37, lines.Length);
        Assert.Matches(@"^34\s+branch\s+29\s+0\s+reachable branch", lines[1 + 34]);
        Assert.Matches(@"^2\s+leaf\s+17\s+0\s+free", lines[1 + 2]);

        var page = ToolProcess.Run("db", "page", ToolFixtures.Snapshot, "34");
        Assert.Equal(0, page.ExitCode);
        Assert.Contains("type branch", page.Stdout);
        Assert.Contains("[1] -> page 3  key (17 bytes) 00000000000000135f0000000000000000", page.Stdout);

        var meta = ToolProcess.Run("db", "page", ToolFixtures.Snapshot, "0");
        Assert.Contains("txid       39", meta.Stdout);

        var outside = ToolProcess.Run("db", "page", ToolFixtures.Snapshot, "999");
        Assert.Equal(2, outside.ExitCode);
        Assert.Contains("has 37 pages", outside.Stderr);
    }

    [Fact]
    public void StatsAndDump()
    {
        var stats = ToolProcess.Run("db", "stats", ToolFixtures.Snapshot);
        Assert.Equal(0, stats.ExitCode);
        Assert.Matches(@"""key""\s+1\s+0\s+29\s+0\s+213\s+2", stats.Stdout);

        var dump = ToolProcess.Run("db", "dump", ToolFixtures.Snapshot, "--bucket", "key", "--format", "hex");
        Assert.Equal(0, dump.ExitCode);
        var entries = dump.Stdout.Split('\n').Where(l => l.Contains(" = ")).ToArray();
        Assert.Equal(213, entries.Length);
        Assert.StartsWith("00000000000000035f0000000000000000 = ", entries[0].Trim()); // revision 2 was compacted away

        var meta = ToolProcess.Run("db", "dump", ToolFixtures.Snapshot, "--bucket", "meta");
        Assert.Contains("\"consistent_index\" = \"\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\xdc\"", meta.Stdout);

        var missing = ToolProcess.Run("db", "dump", ToolFixtures.Snapshot, "--bucket", "nope");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("not found", missing.Stderr);
    }

    [Fact]
    public void RepairWritesACheckedCopyAndNeverOverwrites()
    {
        string output = _dir.File("repaired.db");
        var r = ToolProcess.Run("db", "repair", ToolFixtures.BranchDoubleReference, "--output", output);
        Assert.Equal(1, r.ExitCode); // a subtree was dropped: the copy is good but not complete
        Assert.Contains("page 30: multiple-references: dropped the subtree at page 30 (from page 34 element 1", r.Stdout);
        Assert.Contains("hint: page 3 is an unreferenced leaf with 7 keys", r.Stdout);
        Assert.Contains("note: meta 1 (txid 38) describes a tree with 2 problems too", r.Stdout);
        Assert.Contains("passes `fastkvutl db check`", r.Stdout);
        Assert.Equal(0, ToolProcess.Run("db", "check", output).ExitCode);

        var again = ToolProcess.Run("db", "repair", ToolFixtures.BranchDoubleReference, "--output", output);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already exists", again.Stderr);

        string input = ToolFixtures.CopyTo(ToolFixtures.PgidBeyondEof, _dir);
        var inPlace = ToolProcess.Run("db", "repair", input, "--output", input);
        Assert.Equal(2, inPlace.ExitCode);
        Assert.Equal(2, ToolProcess.Run("db", "repair", input, "--output", _dir.File("x.db"), "--meta", "2").ExitCode);
        Assert.Equal(2, ToolProcess.Run("db", "repair", input, "--output", _dir.File("x.db"), "--meta", "1", "--root", "36").ExitCode);
        var rooted = ToolProcess.Run("db", "repair", input, "--output", _dir.File("rooted.db"), "--root", "36");
        Assert.Equal(0, rooted.ExitCode);
        Assert.Contains("copied: the tree rooted at page 36", rooted.Stdout);

        string full = _dir.File("full.db");
        var lossless = ToolProcess.Run("db", "repair", input, "-o", full);
        Assert.Equal(0, lossless.ExitCode);
        Assert.Contains("220 keys written", lossless.Stdout);
        Assert.Contains("dropped: nothing", lossless.Stdout);
    }

    [Fact]
    public void CompactPrintsSizesAndRefusesDamagedInput()
    {
        string output = _dir.File("compacted.db");
        var r = ToolProcess.Run("db", "compact", ToolFixtures.Snapshot, "--output", output);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("size before: 151584 bytes", r.Stdout);
        Assert.Matches(@"size after:  \d+ bytes, \d+ bytes in use", r.Stdout);
        Assert.Contains("10 buckets, 220 keys", r.Stdout);
        Assert.True(BoltChecker.CheckFile(output).IsClean);

        // A cursor over a page referenced twice repeats keys; compact must send the user to repair instead.
        string refused = _dir.File("refused.db");
        var damaged = ToolProcess.Run("db", "compact", ToolFixtures.BranchDoubleReference, "--output", refused);
        Assert.Equal(1, damaged.ExitCode);
        Assert.Contains("fastkvutl db repair", damaged.Stdout);
        Assert.False(File.Exists(refused));

        var overwrite = ToolProcess.Run("db", "compact", ToolFixtures.Snapshot, "--output", output);
        Assert.Equal(2, overwrite.ExitCode);
    }

    [Fact]
    public void BenchPrintsBboltStyleRates()
    {
        var r = ToolProcess.Run("db", "bench", "--count", "2000", "--batch-size", "100", "--write-mode", "rnd", "--no-sync", "--read-seconds", "0.1");
        Assert.Equal(0, r.ExitCode);
        Assert.Matches(@"# Write\s+\S+\s+\(\S+/op\)\s+\(\d+ op/sec\)", r.Stdout);
        Assert.Matches(@"# Get \(rnd\)\s+\S+\s+\(\S+/op\)\s+\(\d+ op/sec\)", r.Stdout);
        Assert.Matches(@"# Scan\s+\S+\s+\(\S+/op\)\s+\(\d+ op/sec\)", r.Stdout);
        Assert.Contains("2000 keys of 8 bytes", r.Stdout);
        Assert.Contains("# Warm-up: 2000 keys written untimed", r.Stdout);
    }

    [Fact]
    public void BenchWarmsUpOnAScratchFileThatItRemovesUnlessToldNotTo()
    {
        string dir = Directory.CreateTempSubdirectory("fastkvutl-bench-").FullName;
        try
        {
            string path = Path.Combine(dir, "timed.db");
            var warm = ToolProcess.Run("db", "bench", "--count", "300", "--batch-size", "1", "--no-sync", "--read-seconds", "0.05",
                "--warmup-keys", "100", "--path", path);
            Assert.Equal(0, warm.ExitCode);
            Assert.Contains("# Warm-up: 100 keys written untimed", warm.Stdout);
            // Only the timed file is left, and it holds the timed keys alone.
            Assert.Equal([path], Directory.GetFiles(dir));
            Assert.Contains("300 keys of 8 bytes", warm.Stdout);

            var cold = ToolProcess.Run("db", "bench", "--count", "300", "--no-sync", "--read-seconds", "0.05", "--warmup-keys", "0");
            Assert.Equal(0, cold.ExitCode);
            Assert.DoesNotContain("Warm-up", cold.Stdout);

            var negative = ToolProcess.Run("db", "bench", "--warmup-keys", "-1");
            Assert.Equal(2, negative.ExitCode);
            Assert.Contains("--warmup-keys must be 0 (no warm-up) or positive", negative.Stderr);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

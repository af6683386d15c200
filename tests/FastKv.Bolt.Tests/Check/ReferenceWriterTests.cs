// Files the reference bbolt writes after many transactions of churn (splits, merges, rebalances,
// freelist reuse, overflow, nested buckets) must check clean: no rule may fire on valid files.
using FastKv.Bolt.Check;
using FastKv.Bolt.Repair;
using FastKv.Bolt.Tests.Compat;

namespace FastKv.Bolt.Tests.Check;

public class ReferenceWriterTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    public void BboltWrittenFilesCheckClean(int seed, bool persistFreelist)
    {
        string path = BboltGenerator.Write(_dir.File($"bbolt-{seed}.db"), seed, persistFreelist);
        var report = BoltChecker.CheckFile(path);
        Assert.True(report.IsClean, string.Join("\n", report.Problems));
        Assert.Equal(persistFreelist, report.FreelistPersisted);
        Assert.True(report.Keys > 500, $"only {report.Keys} keys");
        Assert.True(report.CountPages(PageUse.Overflow) > 0, "expected overflow pages");
        Assert.True(report.CountPages(PageUse.Branch) > 0, "expected branch pages");
        if (persistFreelist) Assert.True(report.CountPages(PageUse.Free) > 0, "expected free pages");
    }

    /// <summary>Repairing an intact bbolt file copies it exactly (keys, values, nesting, sequences), and bbolt accepts the copy.</summary>
    [Theory]
    [InlineData(4, true)]
    [InlineData(5, false)]
    public void RepairOfABboltFileIsAnExactCopyBboltAccepts(int seed, bool persistFreelist)
    {
        string input = BboltGenerator.Write(_dir.File($"bbolt-{seed}.db"), seed, persistFreelist);
        string output = _dir.File($"bbolt-{seed}.repaired.db");
        var report = BoltRepairer.Repair(input, output);
        Assert.True(report.Succeeded, string.Join("\n", report.OutputCheck.Problems));
        Assert.Empty(report.Dropped);
        Assert.Equal(ContentCollector.Of(input), ContentCollector.Of(output));
        var (code, text) = ReferenceBbolt.Invoke("check", output);
        Assert.True(code == 0, $"bbolt rejects the repaired file: {text}");
    }
}

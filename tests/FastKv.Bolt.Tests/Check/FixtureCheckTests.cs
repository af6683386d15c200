// The checker against real etcd files: the good snapshot is clean, each damaged file is reported
// with the page and rule of its damage.
using FastKv.Bolt.Check;

namespace FastKv.Bolt.Tests.Check;

public class FixtureCheckTests
{
    [Fact]
    public void GoodSnapshotChecksClean()
    {
        var report = BoltChecker.CheckFile(ToolFixtures.Snapshot);
        Assert.True(report.IsClean, string.Join("\n", report.Problems));
        Assert.True(report.HasSnapshotTrailer);
        Assert.True(report.SnapshotHashMatches);
        Assert.Equal(4096u, report.PageSize);
        Assert.Equal(37ul, report.PageCount);
        Assert.Equal(0, report.Chosen!.Index);
        Assert.Equal(39ul, report.Chosen.Meta.Txid);
        Assert.False(report.FreelistPersisted);
        Assert.Equal(10, report.Buckets);
        // 213 revisions in `key` plus the small buckets' entries.
        Assert.True(report.Keys > 213, $"keys {report.Keys}");
        Assert.Equal(0, report.CountPages(PageUse.Unreachable));
        Assert.True(report.CountPages(PageUse.Free) > 0);
    }

    [Fact]
    public void HighWaterBeyondEofIsReportedOnBothMetas()
    {
        var report = BoltChecker.CheckFile(ToolFixtures.PgidBeyondEof);
        var problems = report.Problems;
        Assert.Equal(2, problems.Count);
        Assert.All(problems, p => Assert.Equal(CheckRules.HighWaterBeyondEof, p.Rule));
        Assert.Equal(new ulong?[] { 0, 1 }, problems.Select(p => p.PageId).OrderBy(p => p).ToArray());
        Assert.Contains("1706", problems[0].Message);
        Assert.Contains("37 pages", problems[0].Message);
        // The tree itself is intact: every key is still reachable.
        var good = BoltChecker.CheckFile(ToolFixtures.Snapshot);
        Assert.Equal(good.Keys, report.Keys);
    }

    [Fact]
    public void DoubleReferenceNamesPage30AndTheBadBranchElement()
    {
        var report = BoltChecker.CheckFile(ToolFixtures.BranchDoubleReference);
        Assert.False(report.IsClean);
        var multiple = Assert.Single(report.Problems, p => p.Rule == CheckRules.MultipleReferences);
        Assert.Equal(30ul, multiple.PageId);
        Assert.Contains("page 34 element 0", multiple.Message);
        Assert.Contains("page 34 element 1", multiple.Message);
        // The redirected element's key no longer matches the page it points at.
        var mismatch = Assert.Single(report.Problems, p => p.Rule == CheckRules.BranchKeyMismatch);
        Assert.Equal(30ul, mismatch.PageId);
        Assert.Contains("page 34 element 1", mismatch.Message);
        Assert.DoesNotContain(report.Problems, p => p.Rule == CheckRules.InternalError);
    }
}

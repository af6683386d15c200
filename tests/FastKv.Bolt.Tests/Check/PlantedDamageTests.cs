// One planted damage per test on a copy of the good snapshot, each expecting its rule and page.
// Layout of the snapshot used here: root bucket leaf 36; the `key` bucket's root is branch 34 whose
// children are leaves 30, 3, 5, ..., 32; pages 2, 31, 33 and 35 are stale copies (free).
using FastKv.Bolt.Check;
using FastKv.Bolt.Format;

namespace FastKv.Bolt.Tests.Check;

public class PlantedDamageTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Edits the snapshot's pages; the etcd trailer is dropped unless kept, since any edit breaks its hash.</summary>
    private CheckReport CheckEdited(Action<FileSurgery> edit, bool keepTrailer = false)
    {
        byte[] bytes = File.ReadAllBytes(ToolFixtures.Snapshot);
        var surgery = new FileSurgery(keepTrailer ? bytes : bytes[..^RawPageFile.SnapshotTrailerLength]);
        edit(surgery);
        string path = _dir.File($"edited-{Guid.NewGuid():N}.db");
        surgery.Save(path);
        var report = BoltChecker.CheckFile(path);
        Assert.DoesNotContain(report.Problems, p => p.Rule == CheckRules.InternalError);
        return report;
    }

    private static void AssertProblem(CheckReport report, string rule, ulong? page)
    {
        Assert.True(report.Problems.Any(p => p.Rule == rule && p.PageId == page),
            $"expected {rule} on page {page}; got:\n{string.Join("\n", report.Problems)}");
    }

    [Fact]
    public void EditedTrailerIsAHashMismatch()
    {
        var report = CheckEdited(s => s.Bytes[^1] ^= 0xFF, keepTrailer: true);
        AssertProblem(report, CheckRules.SnapshotHashMismatch, null);
    }

    [Fact]
    public void DamagedNewestMetaFallsBackAndIsReported()
    {
        var report = CheckEdited(s => s.MetaOf(0).Root.Root = 99);
        AssertProblem(report, CheckRules.MetaChecksum, 0);
        Assert.Equal(1, report.Chosen!.Index);
        Assert.Equal(38ul, report.Chosen.Meta.Txid);
    }

    [Fact]
    public void MetaPageHeaderThatDisagreesWithItsPlace()
    {
        var report = CheckEdited(s => { s.Header(1).Id = 7; s.Header(0).Flags = PageFlags.Leaf; });
        AssertProblem(report, CheckRules.PageIdMismatch, 1);
        AssertProblem(report, CheckRules.WrongPageType, 0);
        Assert.Equal(0, report.Chosen!.Index); // the header is not part of the checksummed meta
    }

    [Fact]
    public void BothMetasDamagedMeansNoValidMeta()
    {
        var report = CheckEdited(s => { s.MetaOf(0).Magic = 1; s.MetaOf(1).Version = 7; });
        AssertProblem(report, CheckRules.MetaBadMagic, 0);
        AssertProblem(report, CheckRules.MetaBadVersion, 1);
        AssertProblem(report, CheckRules.NoValidMeta, null);
        Assert.Null(report.Chosen);
    }

    [Fact]
    public void SwappedLeafKeysAreUnsorted()
    {
        var report = CheckEdited(s =>
        {
            // Swap the first two elements' key positions in leaf 3 (positions are relative to each element).
            ref var a = ref s.Leaf(3, 0);
            ref var b = ref s.Leaf(3, 1);
            (a.Pos, b.Pos) = (b.Pos + LeafElement.Size, a.Pos - LeafElement.Size);
        });
        AssertProblem(report, CheckRules.UnsortedKeys, 3);
    }

    [Fact]
    public void ElementRunningPastThePageIsOutOfBounds()
    {
        var report = CheckEdited(s => s.Leaf(5, 2).ValueSize = 1_000_000);
        AssertProblem(report, CheckRules.ElementOutOfBounds, 5);
    }

    [Fact]
    public void HeaderIdAndTypeMismatches()
    {
        var report = CheckEdited(s => { s.Header(4).Id = 44; s.Header(6).Flags = PageFlags.Freelist; });
        AssertProblem(report, CheckRules.PageIdMismatch, 4);
        AssertProblem(report, CheckRules.WrongPageType, 6);
    }

    [Fact]
    public void ChildPointerPastTheFileAndIntoAMetaPage()
    {
        var report = CheckEdited(s => { s.Branch(34, 3).Pgid = 5000; s.Branch(34, 4).Pgid = 1; });
        AssertProblem(report, CheckRules.PageBeyondEof, 5000);
        AssertProblem(report, CheckRules.ReservedPage, 1);
    }

    [Fact]
    public void OverflowRunningPastTheFile()
    {
        var report = CheckEdited(s => s.Header(7).Overflow = 100);
        AssertProblem(report, CheckRules.OverflowBeyondEof, 7);
    }

    [Fact]
    public void OverflowSwallowingASiblingIsAMultipleReference()
    {
        // Page 8 claiming one overflow page takes page 9, which branch 34 also references.
        var report = CheckEdited(s => s.Header(8).Overflow = 1);
        AssertProblem(report, CheckRules.MultipleReferences, 9);
    }

    [Fact]
    public void HighWaterBelowUsedPages()
    {
        var report = CheckEdited(s => s.EditMetas(m => { m.Pgid = 30; return m; }));
        AssertProblem(report, CheckRules.BeyondHighWater, 34);
        AssertProblem(report, CheckRules.BeyondHighWater, 36);
    }

    [Fact]
    public void PersistedFreelistThatListsEveryFreePageIsClean()
    {
        var report = CheckEdited(s => s.PersistFreelist(35, 2, 31, 33));
        Assert.True(report.IsClean, string.Join("\n", report.Problems));
        Assert.True(report.FreelistPersisted);
        Assert.Equal(PageUse.Freelist, report.Pages[35]);
        Assert.Equal(PageUse.Free, report.Pages[2]);
    }

    [Fact]
    public void PersistedFreelistMissingAPageLeavesItUnreachable()
    {
        var report = CheckEdited(s => s.PersistFreelist(35, 2, 31));
        AssertProblem(report, CheckRules.UnreachablePage, 33);
        Assert.Single(report.Problems);
    }

    [Fact]
    public void PersistedFreelistDamage()
    {
        var report = CheckEdited(s => s.PersistFreelist(35, 31, 2, 2, 34, 99, 33));
        AssertProblem(report, CheckRules.FreelistUnsorted, 35);
        AssertProblem(report, CheckRules.FreelistDuplicate, 2);
        AssertProblem(report, CheckRules.FreeAndReachable, 34);
        AssertProblem(report, CheckRules.FreelistIdOutOfRange, 99);
    }

    [Fact]
    public void FreelistPointerAtABranchPage()
    {
        var report = CheckEdited(s => s.EditMetas(m => { m.Freelist = 34; return m; }));
        AssertProblem(report, CheckRules.WrongPageType, 34);
    }

    [Fact]
    public void EmptyAndTinyFilesAreReportedNotThrown()
    {
        foreach (int size in new[] { 0, 10, 100, 5000 })
        {
            string path = _dir.File($"tiny-{size}.db");
            File.WriteAllBytes(path, File.ReadAllBytes(ToolFixtures.Snapshot).AsSpan(0, size).ToArray());
            var report = BoltChecker.CheckFile(path);
            Assert.False(report.IsClean);
            Assert.Contains(report.Problems, p => p.Rule == CheckRules.FileTooSmall);
        }
    }

    [Fact]
    public void NotABoltFile()
    {
        string path = _dir.File("text.db");
        File.WriteAllText(path, new string('x', 20000));
        var report = BoltChecker.CheckFile(path);
        AssertProblem(report, CheckRules.NoValidMeta, null);
        AssertProblem(report, CheckRules.MetaBadMagic, 0);
    }
}

// The freelist's count convention: 0xFFFF or more ids put the true count in the first slot. Built
// with 512-byte pages so a 70,000-page file stays small enough to build in memory.
using System.Buffers.Binary;
using FastKv.Bolt.Check;
using FastKv.Bolt.Format;

namespace FastKv.Bolt.Tests.Check;

public class LargeFreelistTests
{
    private const int PageSize = 512;
    private const ulong TotalPages = 70_000;

    private static unsafe CheckReport Check(byte[] bytes)
    {
        fixed (byte* p = bytes)
        {
            using var file = new RawPageFile(p, bytes.Length);
            return BoltChecker.Check(file);
        }
    }

    /// <summary>An empty root leaf at page 2, the freelist from page 3 on, and every later page free.</summary>
    private static byte[] Build(Action<ulong[]>? damage = null)
    {
        var file = new SyntheticFile(PageSize);
        ulong root = file.Add(PageFlags.Leaf, 0, []);
        ulong freelistPage = file.NextPgid;
        long idsEstimate = (long)TotalPages;
        int span = (int)((FreelistPage.SizeFor(idsEstimate) + PageSize - 1) / PageSize);
        ulong firstFree = freelistPage + (ulong)span;
        var ids = new ulong[TotalPages - firstFree];
        for (int i = 0; i < ids.Length; i++) ids[i] = firstFree + (ulong)i;
        damage?.Invoke(ids);
        // Sized to the whole span (the estimate above has room to spare) so the freelist's pages end where the free ones begin.
        var body = new byte[span * PageSize - PageHeader.Size];
        BinaryPrimitives.WriteUInt64LittleEndian(body, (ulong)ids.Length); // the true count, in the first slot
        for (int i = 0; i < ids.Length; i++) BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(8 * (i + 1)), ids[i]);
        ulong added = file.Add(PageFlags.Freelist, FreelistPage.OverflowCount, body);
        Assert.Equal(freelistPage, added);
        Assert.True(file.NextPgid <= firstFree);
        return file.Build(root, freelistPage, TotalPages);
    }

    [Fact]
    public void CountInTheFirstSlotIsRead()
    {
        var report = Check(Build());
        Assert.True(report.IsClean, string.Join("\n", report.Problems.Take(10)));
        Assert.True(report.CountPages(PageUse.Free) > 65_535, $"free pages {report.CountPages(PageUse.Free)}");
        Assert.True(report.CountPages(PageUse.Freelist) + report.CountPages(PageUse.Overflow) > 1000, $"freelist pages {report.CountPages(PageUse.Freelist)}, overflow {report.CountPages(PageUse.Overflow)}");
    }

    [Fact]
    public void DamageInsideALargeFreelistIsFound()
    {
        var report = Check(Build(ids => { ids[70] = ids[69]; ids[1000] = 1; }));
        Assert.Contains(report.Problems, p => p.Rule == CheckRules.FreelistDuplicate);
        Assert.Contains(report.Problems, p => p.Rule == CheckRules.FreelistIdOutOfRange && p.PageId == 1);
        Assert.Contains(report.Problems, p => p.Rule == CheckRules.FreelistUnsorted);
        // The ids the damage displaced are now neither free nor reachable.
        Assert.Equal(2, report.ProblemCountByRule[CheckRules.UnreachablePage]);
    }
}

// Random damage, seeded so failures replay: the checker must finish on every mutant without an
// exception or an internal error, and must notice damage to the parts of the file it reads.
using FastKv.Bolt.Check;
using FastKv.Bolt.Format;

namespace FastKv.Bolt.Tests.Check;

public class FuzzCheckTests
{
    private static readonly byte[] Original = File.ReadAllBytes(ToolFixtures.Snapshot);

    private static unsafe CheckReport CheckBytes(byte[] bytes)
    {
        fixed (byte* p = bytes)
        {
            using var file = new RawPageFile(p, bytes.Length);
            return BoltChecker.Check(file);
        }
    }

    private static void AssertNoInternalError(CheckReport report, int seed) =>
        Assert.False(report.Problems.Any(p => p.Rule == CheckRules.InternalError),
            $"seed {seed}: {string.Join("\n", report.Problems.Where(p => p.Rule == CheckRules.InternalError))}");

    [Theory]
    [InlineData(1, 300)]
    [InlineData(2, 300)]
    public void RandomFlipsAnywhereNeverCrash(int seed, int rounds)
    {
        var random = new Random(seed);
        for (int round = 0; round < rounds; round++)
        {
            byte[] bytes = (byte[])Original.Clone();
            int flips = random.Next(1, 40);
            for (int f = 0; f < flips; f++)
                bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256);
            AssertNoInternalError(CheckBytes(bytes), seed * 100_000 + round);
        }
    }

    /// <summary>Flips in page headers and element arrays, with the metas resealed so the damage reaches the tree walk.</summary>
    [Theory]
    [InlineData(3, 400)]
    [InlineData(4, 400)]
    public void FlipsInHeadersAndElementsAreFoundOrHarmless(int seed, int rounds)
    {
        var random = new Random(seed);
        int pages = Original.Length / 4096;
        int detected = 0;
        for (int round = 0; round < rounds; round++)
        {
            var surgery = new FileSurgery((byte[])Original[..^RawPageFile.SnapshotTrailerLength].Clone());
            int flips = random.Next(1, 6);
            for (int f = 0; f < flips; f++)
            {
                int page = random.Next(pages);
                int offset = page < 2 ? PageHeader.Size + random.Next(48) : random.Next(PageHeader.Size + 16 * 30);
                surgery.Bytes[page * 4096 + offset] ^= (byte)(1 << random.Next(8));
            }
            if (random.Next(2) == 0)
                surgery.EditMetas(m => m);
            var report = CheckBytes(surgery.Bytes);
            AssertNoInternalError(report, seed * 100_000 + round);
            if (!report.IsClean) detected++;
        }
        // Most flips land in bytes the checker validates; a checker that never complains would fail here.
        Assert.True(detected > rounds / 2, $"only {detected} of {rounds} damaged files were reported");
    }

    [Fact]
    public void GarbageFilesOfEverySizeNeverCrash()
    {
        var random = new Random(5);
        foreach (int size in new[] { 1, 79, 80, 4095, 4096, 8192, 8193, 8224, 40000 })
        {
            byte[] bytes = new byte[size];
            random.NextBytes(bytes);
            var report = CheckBytes(bytes);
            AssertNoInternalError(report, size);
            Assert.False(report.IsClean);
        }
    }

    [Fact]
    public void CycleThroughAnAncestorTerminates()
    {
        var surgery = new FileSurgery((byte[])Original[..^RawPageFile.SnapshotTrailerLength].Clone());
        surgery.Branch(34, 5).Pgid = 34; // the `key` root points at itself
        var report = CheckBytes(surgery.Bytes);
        Assert.Contains(report.Problems, p => p.Rule == CheckRules.MultipleReferences && p.PageId == 34);
    }
}

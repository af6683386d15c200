// Shapes that would exhaust the stack of a naive recursive walk must end in a tree-too-deep report.
using FastKv.Bolt.Check;
using FastKv.Bolt.Format;

namespace FastKv.Bolt.Tests.Check;

public class DepthLimitTests
{
    private static unsafe CheckReport Check(byte[] bytes)
    {
        fixed (byte* p = bytes)
        {
            using var file = new RawPageFile(p, bytes.Length);
            return BoltChecker.Check(file);
        }
    }

    [Fact]
    public void InlineBucketsNestedTwoThousandDeepStopAtTheLimit()
    {
        byte[] value = SyntheticFile.InlineBucket(0, []);
        for (int level = 0; level < 2000; level++)
            value = SyntheticFile.InlineBucket(1, SyntheticFile.OneLeafElement(LeafElement.BucketFlag, "a"u8.ToArray(), value));
        var file = new SyntheticFile();
        ulong root = file.Add(PageFlags.Leaf, 1, SyntheticFile.OneLeafElement(LeafElement.BucketFlag, "top"u8.ToArray(), value));
        var report = Check(file.Build(root));
        Assert.Contains(report.Problems, p => p.Rule == CheckRules.TreeTooDeep);
        Assert.DoesNotContain(report.Problems, p => p.Rule == CheckRules.InternalError);
        Assert.Equal(TreeWalker.MaxBucketDepth, report.Buckets);
    }

    [Fact]
    public void ChainOfBranchPagesStopsAtTheTreeDepthLimit()
    {
        var file = new SyntheticFile();
        const int chain = 200;
        // Page ids are assigned in order, so each branch can name the next one before it exists.
        ulong first = file.NextPgid;
        for (int i = 0; i < chain; i++)
            file.Add(PageFlags.Branch, 1, SyntheticFile.OneBranchElement("a"u8.ToArray(), first + (ulong)i + 1));
        file.Add(PageFlags.Leaf, 1, SyntheticFile.OneLeafElement(0, "a"u8.ToArray(), "v"u8.ToArray()));
        var bucketValue = new byte[BucketHeader.Size];
        BitConverter.TryWriteBytes(bucketValue, first);
        ulong root = file.Add(PageFlags.Leaf, 1, SyntheticFile.OneLeafElement(LeafElement.BucketFlag, "b"u8.ToArray(), bucketValue));
        var report = Check(file.Build(root));
        var deep = Assert.Single(report.Problems, p => p.Rule == CheckRules.TreeTooDeep);
        Assert.Equal(first + TreeWalker.MaxTreeDepth + 1, deep.PageId);
    }

    [Fact]
    public void ShallowSyntheticFileIsClean()
    {
        var file = new SyntheticFile();
        ulong leaf = file.Add(PageFlags.Leaf, 1, SyntheticFile.OneLeafElement(0, "k"u8.ToArray(), "v"u8.ToArray()));
        ulong branch = file.Add(PageFlags.Branch, 1, SyntheticFile.OneBranchElement("k"u8.ToArray(), leaf));
        var bucketValue = new byte[BucketHeader.Size];
        BitConverter.TryWriteBytes(bucketValue, branch);
        ulong root = file.Add(PageFlags.Leaf, 1, SyntheticFile.OneLeafElement(LeafElement.BucketFlag, "b"u8.ToArray(), bucketValue));
        var report = Check(file.Build(root));
        Assert.True(report.IsClean, string.Join("\n", report.Problems));
        Assert.Equal(1, report.Keys);
    }
}

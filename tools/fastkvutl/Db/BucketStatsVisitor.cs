// Measures each bucket during a walk of the raw file: its own pages by type, overflow, keys, tree
// depth, inline buckets, and how full its pages are. Buckets nest; each counts only its own pages.
using FastKv.Bolt.Check;
using FastKv.Bolt.Format;

namespace FastKv.Util.Db;

internal sealed class BucketStatsVisitor : ITreeVisitor
{
    public sealed class Stats(string name)
    {
        public string Name { get; } = name;
        public long BranchPages, BranchOverflow, LeafPages, LeafOverflow, Keys, NestedBuckets, InlineBuckets;
        public long BranchAlloc, BranchInUse, LeafAlloc, LeafInUse, InlineInUse;
        public int Depth;
        public bool Inline;
    }

    private readonly Stack<Stats> _open = new();
    public List<Stats> Buckets { get; } = new();

    public BucketStatsVisitor()
    {
        var root = new Stats("(root)");
        Buckets.Add(root);
        _open.Push(root);
    }

    public bool OnBucketEnter(ReadOnlySpan<byte> name, in BucketHeader header, bool inline)
    {
        var parent = _open.Peek();
        parent.NestedBuckets++;
        if (inline) parent.InlineBuckets++;
        string path = parent.Name == "(root)" ? KeyText.Format(name) : parent.Name + "/" + KeyText.Format(name);
        var stats = new Stats(path) { Inline = inline };
        Buckets.Add(stats);
        _open.Push(stats);
        return true;
    }

    public void OnBucketExit() => _open.Pop();

    public void OnKeyValue(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => _open.Peek().Keys++;

    public void OnPage(ulong? pgid, in PageHeader header, ReadOnlySpan<byte> page, int depth)
    {
        var s = _open.Peek();
        s.Depth = Math.Max(s.Depth, depth + 1);
        long used = InUse(page, header);
        if (pgid == null)
        {
            s.InlineInUse += used;
            return;
        }
        if (header.Flags == PageFlags.Branch)
        {
            s.BranchPages++;
            s.BranchOverflow += header.Overflow;
            s.BranchAlloc += page.Length;
            s.BranchInUse += used;
        }
        else
        {
            s.LeafPages++;
            s.LeafOverflow += header.Overflow;
            s.LeafAlloc += page.Length;
            s.LeafInUse += used;
        }
    }

    private static long InUse(ReadOnlySpan<byte> page, in PageHeader header)
    {
        int fit = PageElements.FittingCount(page, header.Count);
        long used = PageHeader.Size + (long)fit * LeafElement.Size;
        for (int i = 0; i < fit; i++)
        {
            if (header.Flags == PageFlags.Branch)
            {
                if (PageElements.TryBranch(page, i, header.Count, out var key, out _, out _)) used += key.Length;
            }
            else if (PageElements.TryLeaf(page, i, header.Count, out _, out var key, out var value, out _))
            {
                used += key.Length + value.Length;
            }
        }
        return used;
    }
}

// Walks every bucket tree reachable from a root, validating each page before reading it and
// reporting what is wrong: page bounds and headers, element bounds, key order within a page and
// across siblings, branch keys, bucket headers, and pages referenced twice. What it cannot read it
// skips (and tells the visitor what was dropped); what it can read it hands to the visitor. Depth
// is capped and every page may be claimed once, so garbage, cycles and deep chains all terminate.
using System.Runtime.InteropServices;
using FastKv.Bolt.Format;

namespace FastKv.Bolt.Check;

public sealed class TreeWalker
{
    /// <summary>Deeper than any real tree: a 4 KiB-page tree of depth 32 would hold more keys than fit in 2^64 bytes.</summary>
    public const int MaxTreeDepth = 32;
    /// <summary>Nesting of buckets in buckets beyond which the walk stops (bbolt has no limit; real data nests a few levels).</summary>
    public const int MaxBucketDepth = 128;
    /// <summary>Pages and inline buckets open at once along the current path: bounds the recursion (and the stack) whatever the nesting.</summary>
    public const int MaxPathLength = 512;

    private readonly RawPageFile _file;
    private readonly ulong _highWater;
    private readonly PageReferences _refs;
    private readonly ProblemLog _problems;
    private readonly ITreeVisitor _visitor;
    private readonly List<byte[]> _bucketPath = new();
    private int _pathLength;

    internal TreeWalker(RawPageFile file, ulong highWater, PageReferences refs, ProblemLog problems, ITreeVisitor visitor)
    {
        _file = file;
        _highWater = highWater;
        _refs = refs;
        _problems = problems;
        _visitor = visitor;
    }

    /// <summary>Walks the whole file from a meta's root bucket with its own reference tracking; returns the problems found.</summary>
    public static IReadOnlyList<CheckProblem> WalkFile(RawPageFile file, in Meta meta, ITreeVisitor visitor)
    {
        var log = new ProblemLog();
        new TreeWalker(file, meta.Pgid, new PageReferences(file.PageCount), log, visitor).WalkRoot(meta.Root.Root);
        return log.Kept;
    }

    internal void WalkRoot(ulong rootPgid) => WalkNode(rootPgid, Referrer.MetaRoot, KeyBounds.Unbounded, default, false, 0, 0);

    private string BucketName()
    {
        if (_bucketPath.Count == 0) return "the root bucket";
        return "bucket " + string.Join("/", _bucketPath.Select(n => KeyText.Format(n)));
    }

    private void Drop(CheckProblem cause, string what, long? keysLost)
    {
        _problems.Add(cause);
        _visitor.OnDropped(new DroppedData(cause, what, keysLost) { BucketPath = _bucketPath.ToArray() });
    }

    private void DropSubtree(CheckProblem cause, string what, KeyBounds bounds)
    {
        _problems.Add(cause);
        _visitor.OnDropped(new DroppedData(cause, what, null)
        {
            IsSubtree = true,
            RangeLower = bounds.HasLower ? bounds.Lower.ToArray() : null,
            RangeUpper = bounds.HasUpper ? bounds.Upper.ToArray() : null,
            BucketPath = _bucketPath.ToArray(),
        });
    }

    private void WalkNode(ulong pgid, Referrer from, KeyBounds bounds, ReadOnlySpan<byte> branchKey, bool hasBranchKey, int depth, int bucketDepth)
    {
        if (_pathLength >= MaxPathLength)
        {
            DropSubtree(new(pgid, CheckRules.TreeTooDeep, $"{from} leads to page {pgid} with {MaxPathLength} pages and buckets open above it; the walk stops there"),
                $"the subtree at page {pgid} in {BucketName()}", bounds);
            return;
        }
        _pathLength++;
        try { WalkNodeCore(pgid, from, bounds, branchKey, hasBranchKey, depth, bucketDepth); }
        finally { _pathLength--; }
    }

    private void WalkNodeCore(ulong pgid, Referrer from, KeyBounds bounds, ReadOnlySpan<byte> branchKey, bool hasBranchKey, int depth, int bucketDepth)
    {
        if (depth > MaxTreeDepth)
        {
            DropSubtree(new(pgid, CheckRules.TreeTooDeep, $"{from} leads to page {pgid} at depth {depth}, deeper than any real tree ({MaxTreeDepth})"), SubtreeName(pgid, from, bounds), bounds);
            return;
        }
        if (pgid < 2)
        {
            DropSubtree(new(pgid, CheckRules.ReservedPage, $"{from} points to page {pgid}, which is a meta page"), SubtreeName(pgid, from, bounds), bounds);
            return;
        }
        if (!_file.TryGetPage(pgid, out var page, out var header, out var unreadable))
        {
            DropSubtree(unreadable! with { Message = $"{unreadable.Message}; referenced by {from}" }, SubtreeName(pgid, from, bounds), bounds);
            return;
        }
        if (pgid >= _highWater)
            _problems.Add(pgid, CheckRules.BeyondHighWater, $"page {pgid} (referenced by {from}) is at or past the meta's high-water mark {_highWater}");
        if (header.Id != pgid)
            _problems.Add(pgid, CheckRules.PageIdMismatch, $"page {pgid} has id {header.Id} in its header");
        if (header.Flags != PageFlags.Branch && header.Flags != PageFlags.Leaf)
        {
            DropSubtree(new(pgid, CheckRules.WrongPageType, $"{from} expects a branch or leaf page, but page {pgid} is {header.TypeName}"), SubtreeName(pgid, from, bounds), bounds);
            return;
        }
        if (hasBranchKey)
            CheckBranchKey(pgid, from, page, header, branchKey);
        if (!_refs.TryClaim(pgid, 1UL + header.Overflow, from, out ulong taken, out Referrer takenBy))
        {
            string message = taken == pgid
                ? $"page {pgid} is referenced by {takenBy} and again by {from}; the second reference was not followed"
                : $"page {pgid} spans page {taken} (overflow), which already belongs to {takenBy}; page {pgid} was not followed";
            DropSubtree(new(taken, CheckRules.MultipleReferences, message), SubtreeName(pgid, from, bounds), bounds);
            return;
        }
        _visitor.OnPage(pgid, header, page, depth);
        if (header.Flags == PageFlags.Branch)
            WalkBranch(pgid, page, header, bounds, depth, bucketDepth);
        else
            WalkLeaf(pgid, $"page {pgid}", page, header, bounds, bucketDepth);
    }

    /// <summary>Built only when something is dropped: formatting keys for every page walked would dominate a clean check.</summary>
    private string SubtreeName(ulong pgid, Referrer from, KeyBounds bounds) =>
        $"the subtree at page {pgid} (from {from}, keys {bounds.Describe()}) in {BucketName()}";

    private void CheckBranchKey(ulong pgid, Referrer from, ReadOnlySpan<byte> page, in PageHeader header, ReadOnlySpan<byte> branchKey)
    {
        if (header.Count == 0) return;
        ReadOnlySpan<byte> first;
        bool readable = header.Flags == PageFlags.Branch
            ? PageElements.TryBranch(page, 0, header.Count, out first, out _, out _)
            : PageElements.TryLeaf(page, 0, header.Count, out _, out first, out _, out _);
        if (readable && !first.SequenceEqual(branchKey))
            _problems.Add(pgid, CheckRules.BranchKeyMismatch,
                $"{from} has key {KeyText.Format(branchKey)} but page {pgid} starts with {KeyText.Format(first)}");
    }

    private void WalkBranch(ulong pgid, ReadOnlySpan<byte> page, in PageHeader header, KeyBounds bounds, int depth, int bucketDepth)
    {
        int count = header.Count;
        if (count == 0)
        {
            Drop(new(pgid, CheckRules.EmptyBranch, $"branch page {pgid} has no elements"), $"branch page {pgid} in {BucketName()}", 0);
            return;
        }
        int fit = ReportFit(pgid, page, count);
        CheckOrder(pgid, page, fit, count, branch: true, bounds);
        for (int i = 0; i < fit; i++)
        {
            if (!PageElements.TryBranch(page, i, count, out var key, out ulong child, out string? problem))
            {
                Drop(new(pgid, CheckRules.ElementOutOfBounds, $"branch page {pgid}: {problem}"),
                    $"the subtree under page {pgid} element {i} in {BucketName()}", null);
                continue;
            }
            // The child's keys lie below the next readable sibling key, else below this page's own upper bound.
            var upper = bounds.Upper;
            bool hasUpper = bounds.HasUpper;
            for (int j = i + 1; j < fit; j++)
            {
                if (PageElements.TryBranch(page, j, count, out var next, out _, out _))
                {
                    upper = next;
                    hasUpper = true;
                    break;
                }
            }
            WalkNode(child, Referrer.Branch(pgid, i), new KeyBounds(key, true, upper, hasUpper), key, true, depth + 1, bucketDepth);
        }
    }

    private void WalkLeaf(ulong pgid, string where, ReadOnlySpan<byte> page, in PageHeader header, KeyBounds bounds, int bucketDepth)
    {
        int count = header.Count;
        int fit = ReportFit(pgid, page, count);
        CheckOrder(pgid, page, fit, count, branch: false, bounds);
        bool rootValueReported = false;
        for (int i = 0; i < fit; i++)
        {
            if (!PageElements.TryLeaf(page, i, count, out uint flags, out var key, out var value, out string? problem))
            {
                Drop(new(pgid, CheckRules.ElementOutOfBounds, $"leaf {where}: {problem}"), $"element {i} of {where} in {BucketName()}", 1);
                continue;
            }
            if ((flags & ~LeafElement.BucketFlag) != 0)
            {
                Drop(new(pgid, CheckRules.BadElementFlags, $"leaf {where} element {i} (key {KeyText.Format(key)}) has unknown flags 0x{flags:x}"),
                    $"key {KeyText.Format(key)} in {BucketName()}", 1);
                continue;
            }
            if ((flags & LeafElement.BucketFlag) == 0)
            {
                if (_bucketPath.Count == 0 && !rootValueReported)
                {
                    rootValueReported = true;
                    _problems.Add(pgid, CheckRules.RootLevelValue,
                        $"leaf {where} is in the root bucket but element {i} (key {KeyText.Format(key)}) is a plain value, not a bucket: the root points at the wrong page, or the page was overwritten");
                }
                _visitor.OnKeyValue(key, value);
                continue;
            }
            WalkBucket(pgid, where, i, key, value, bucketDepth);
        }
    }

    private void WalkBucket(ulong pgid, string where, int element, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, int bucketDepth)
    {
        string what = $"bucket {KeyText.Format(name)} in {BucketName()}";
        if (value.Length < BucketHeader.Size)
        {
            Drop(new(pgid, CheckRules.BadBucketHeader, $"{where} element {element}: bucket {KeyText.Format(name)} has a {value.Length}-byte header, want {BucketHeader.Size}"), what, null);
            return;
        }
        if (bucketDepth + 1 > MaxBucketDepth || _pathLength >= MaxPathLength)
        {
            Drop(new(pgid, CheckRules.TreeTooDeep, $"{where} element {element}: bucket {KeyText.Format(name)} is nested deeper than {MaxBucketDepth} buckets"), what, null);
            return;
        }
        var bucket = MemoryMarshal.Read<BucketHeader>(value);
        bool inline = bucket.Root == 0;
        ReadOnlySpan<byte> inlinePage = default;
        PageHeader inlineHeader = default;
        if (inline)
        {
            inlinePage = value[BucketHeader.Size..];
            if (inlinePage.Length < PageHeader.Size)
            {
                Drop(new(pgid, CheckRules.BadBucketHeader, $"{where} element {element}: inline bucket {KeyText.Format(name)} is {value.Length} bytes, too short to hold its page"), what, null);
                return;
            }
            inlineHeader = MemoryMarshal.Read<PageHeader>(inlinePage);
            if (inlineHeader.Flags != PageFlags.Leaf)
            {
                Drop(new(pgid, CheckRules.WrongPageType, $"{where} element {element}: inline bucket {KeyText.Format(name)} holds a {inlineHeader.TypeName} page, want leaf"), what, null);
                return;
            }
        }
        if (!_visitor.OnBucketEnter(name, bucket, inline)) return;
        _bucketPath.Add(name.ToArray());
        _pathLength++;
        try
        {
            if (inline)
            {
                _visitor.OnPage(null, inlineHeader, inlinePage, 0);
                WalkLeaf(pgid, $"inline bucket {KeyText.Format(name)} in page {pgid}", inlinePage, inlineHeader, KeyBounds.Unbounded, bucketDepth + 1);
            }
            else
            {
                WalkNode(bucket.Root, Referrer.Bucket(pgid, element), KeyBounds.Unbounded, default, false, 0, bucketDepth + 1);
            }
        }
        finally
        {
            _pathLength--;
            _bucketPath.RemoveAt(_bucketPath.Count - 1);
            _visitor.OnBucketExit();
        }
    }

    /// <summary>Reports a count that promises more element headers than the page holds; returns how many do fit.</summary>
    private int ReportFit(ulong pgid, ReadOnlySpan<byte> page, int count)
    {
        int fit = PageElements.FittingCount(page, count);
        if (fit < count)
            Drop(new(pgid, CheckRules.ElementOutOfBounds,
                    $"page {pgid} claims {count} elements but only {fit} element headers fit in its {page.Length} bytes"),
                $"elements {fit}..{count - 1} of page {pgid} in {BucketName()}", null);
        return fit;
    }

    /// <summary>Keys must rise strictly within a page and stay inside the range the parent gave; one report per rule per page.</summary>
    private void CheckOrder(ulong pgid, ReadOnlySpan<byte> page, int fit, int count, bool branch, KeyBounds bounds)
    {
        ReadOnlySpan<byte> previous = default;
        bool havePrevious = false, unsortedReported = false, rangeReported = false;
        for (int i = 0; i < fit; i++)
        {
            ReadOnlySpan<byte> key;
            bool ok = branch
                ? PageElements.TryBranch(page, i, count, out key, out _, out _)
                : PageElements.TryLeaf(page, i, count, out _, out key, out _, out _);
            if (!ok) continue;
            if (havePrevious && !unsortedReported && key.SequenceCompareTo(previous) <= 0)
            {
                unsortedReported = true;
                _problems.Add(pgid, CheckRules.UnsortedKeys,
                    $"page {pgid} element {i} key {KeyText.Format(key)} is not greater than the key before it {KeyText.Format(previous)}");
            }
            if (!rangeReported && !bounds.Contains(key))
            {
                rangeReported = true;
                _problems.Add(pgid, CheckRules.KeyOutOfRange,
                    $"page {pgid} element {i} key {KeyText.Format(key)} lies outside {bounds.Describe()}, the range its parent branch gives it");
            }
            previous = key;
            havePrevious = true;
        }
    }
}

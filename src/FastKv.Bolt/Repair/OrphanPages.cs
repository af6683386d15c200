// After a repair drops a subtree, the keys it covered may still sit in a leaf page nothing points
// to any more (a redirected branch element leaves the real child orphaned). Such pages can also be
// stale copies from older transactions, so they are only pointed out, never copied automatically.
using FastKv.Bolt.Check;
using FastKv.Bolt.Format;

namespace FastKv.Bolt.Repair;

internal static class OrphanPages
{
    public static List<OrphanHint> Find(RawPageFile file, CheckReport check, IReadOnlyList<DroppedData> dropped)
    {
        var hints = new List<OrphanHint>();
        var subtrees = dropped.Where(d => d.IsSubtree && (d.RangeLower != null || d.RangeUpper != null)).ToList();
        if (subtrees.Count == 0) return hints;
        for (int p = 2; p < check.Pages.Count; p++)
        {
            if (check.Pages[p] is not (PageUse.Free or PageUse.Unreachable)) continue;
            if (!TryKeyRange(file, (ulong)p, out byte[] first, out byte[] last, out int count)) continue;
            foreach (var d in subtrees)
            {
                bool above = d.RangeLower == null || first.AsSpan().SequenceCompareTo(d.RangeLower) >= 0;
                bool below = d.RangeUpper == null || last.AsSpan().SequenceCompareTo(d.RangeUpper) < 0;
                if (!above || !below) continue;
                hints.Add(new OrphanHint((ulong)p, count, d,
                    $"page {p} is an unreferenced leaf with {count} keys ({KeyText.Format(first)} .. {KeyText.Format(last)}) inside the range of {d.What}; " +
                    $"it may hold the lost keys, or be a stale copy: inspect it with `fastkvutl db page <input> {p}`"));
            }
        }
        return hints;
    }

    /// <summary>First and last key of a well-formed leaf page holding plain keys in order.</summary>
    private static bool TryKeyRange(RawPageFile file, ulong pgid, out byte[] first, out byte[] last, out int count)
    {
        first = last = Array.Empty<byte>();
        count = 0;
        if (!file.TryGetPage(pgid, out var page, out var header, out _)) return false;
        if (header.Id != pgid || header.Flags != PageFlags.Leaf || header.Count == 0) return false;
        if (PageElements.FittingCount(page, header.Count) < header.Count) return false;
        ReadOnlySpan<byte> previous = default;
        for (int i = 0; i < header.Count; i++)
        {
            if (!PageElements.TryLeaf(page, i, header.Count, out _, out var key, out _, out _)) return false;
            if (i > 0 && key.SequenceCompareTo(previous) <= 0) return false;
            if (i == 0) first = key.ToArray();
            previous = key;
        }
        last = previous.ToArray();
        count = header.Count;
        return true;
    }
}

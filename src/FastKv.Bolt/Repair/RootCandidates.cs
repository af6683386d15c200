// When neither meta can be trusted, the root bucket may still be found: it is a leaf page whose
// elements are all buckets. Listing such pages lets an operator pick one for `repair --root`.
using FastKv.Bolt.Check;
using FastKv.Bolt.Format;

namespace FastKv.Bolt.Repair;

public static class RootCandidates
{
    /// <summary>Pages that look like a root bucket: well-formed leaves holding only (readable) bucket elements, in page order.</summary>
    public static List<ulong> Find(RawPageFile file, int max = 20)
    {
        var found = new List<ulong>();
        for (ulong p = 2; p < file.PageCount && found.Count < max; p++)
        {
            if (!file.TryGetPage(p, out var page, out var header, out _)) continue;
            if (header.Id != p || header.Flags != PageFlags.Leaf || header.Count == 0) continue;
            if (PageElements.FittingCount(page, header.Count) < header.Count) continue;
            bool allBuckets = true;
            for (int i = 0; i < header.Count && allBuckets; i++)
            {
                allBuckets = PageElements.TryLeaf(page, i, header.Count, out uint flags, out _, out var value, out _)
                             && flags == LeafElement.BucketFlag && value.Length >= BucketHeader.Size;
            }
            if (allBuckets) found.Add(p);
        }
        return found;
    }
}

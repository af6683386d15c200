// Binary search within a mapped branch or leaf page, without copying keys.
using FastKv.Bolt.Format;

namespace FastKv.Bolt;

internal static unsafe class PageSearch
{
    /// <summary>Index of the first leaf key >= <paramref name="key"/> (Count when none).</summary>
    public static int Leaf(byte* page, ReadOnlySpan<byte> key, out bool exact)
    {
        int lo = 0, hi = PageReader.Header(page).Count;
        exact = false;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            var e = PageReader.Leaf(page, mid);
            int cmp = KeyCompare.Compare((byte*)e + e->Pos, (int)e->KeySize, key);
            if (cmp < 0) lo = mid + 1;
            else
            {
                if (cmp == 0) exact = true;
                hi = mid;
            }
        }
        return lo;
    }

    /// <summary>Index of the child whose range holds <paramref name="key"/>: the last branch key <= it (or 0).</summary>
    public static int Branch(byte* page, ReadOnlySpan<byte> key)
    {
        int lo = 0, hi = PageReader.Header(page).Count;
        bool exact = false;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            var e = PageReader.Branch(page, mid);
            int cmp = KeyCompare.Compare((byte*)e + e->Pos, (int)e->KeySize, key);
            if (cmp < 0) lo = mid + 1;
            else
            {
                if (cmp == 0) exact = true;
                hi = mid;
            }
        }
        if (!exact && lo > 0) lo--;
        return lo;
    }
}

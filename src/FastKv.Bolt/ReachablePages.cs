// Walks the tree from the meta's root and returns the pages nothing refers to: the freelist of a
// file whose freelist is not persisted. A page referred to twice, outside the tree, or whose
// elements do not fit in it stops the open with the page's id (the full diagnosis is
// `fastkvutl db check`); nothing outside the tree's pages is ever read.
using FastKv.Bolt.Format;

namespace FastKv.Bolt;

internal static unsafe class ReachablePages
{
    public static ulong[] Unreachable(byte* map, int pageSize, in Meta meta)
    {
        ulong highWater = meta.Pgid;
        var seen = new bool[highWater];
        seen[0] = seen[1] = true;
        var pending = new Stack<ulong>();
        pending.Push(meta.Root.Root);
        while (pending.Count > 0)
        {
            ulong pgid = pending.Pop();
            if (pgid < 2 || pgid >= highWater)
                throw new BoltCorruptionException($"page {pgid}: referenced but outside the tree (high-water mark {highWater})");
            byte* page = map + (long)pgid * pageSize;
            ref var header = ref PageReader.Header(page);
            if (pgid + header.Overflow >= highWater)
                throw new BoltCorruptionException($"page {pgid}: overflow of {header.Overflow} pages runs past the high-water mark {highWater}");
            for (ulong id = pgid; id <= pgid + header.Overflow; id++)
            {
                if (seen[id]) throw new BoltCorruptionException($"page {id}: multiple references");
                seen[id] = true;
            }
            long span = (header.Overflow + 1L) * pageSize;
            if (PageHeader.Size + (long)header.Count * LeafElement.Size > span)
                throw new BoltCorruptionException($"page {pgid}: {header.Count} elements do not fit in {span} bytes");
            if (header.IsBranch)
            {
                for (int i = 0; i < header.Count; i++)
                {
                    var e = PageReader.Branch(page, i);
                    CheckFits(pgid, page, span, (byte*)e + e->Pos, e->KeySize);
                    pending.Push(e->Pgid);
                }
            }
            else if (header.IsLeaf)
            {
                for (int i = 0; i < header.Count; i++)
                {
                    var e = PageReader.Leaf(page, i);
                    CheckFits(pgid, page, span, (byte*)e + e->Pos, (long)e->KeySize + e->ValueSize);
                    if (!e->IsBucket) continue;
                    if (e->ValueSize < BucketHeader.Size)
                        throw new BoltCorruptionException($"page {pgid}: bucket value of {e->ValueSize} bytes is shorter than a bucket header");
                    var bucket = PageReader.ReadBucketHeader(PageReader.LeafValue(page, i));
                    if (bucket.Root != 0) pending.Push(bucket.Root);
                }
            }
            else
            {
                throw new BoltCorruptionException($"page {pgid}: expected a branch or leaf page, found {header.TypeName}");
            }
        }
        var free = new List<ulong>();
        for (ulong id = 2; id < highWater; id++)
            if (!seen[id]) free.Add(id);
        return free.ToArray();
    }

    private static void CheckFits(ulong pgid, byte* page, long span, byte* data, long length)
    {
        long offset = data - page;
        if (offset < PageHeader.Size || offset + length > span)
            throw new BoltCorruptionException($"page {pgid}: an element's key or value lies outside the page");
    }
}

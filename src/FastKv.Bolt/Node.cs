// An in-memory copy of a page that a write transaction changes. Reads never create nodes; a
// write materializes the path from its bucket's root to the leaf it touches. At commit, nodes are
// merged when underfull (Rebalance), then split by the fill percent and written to freshly
// allocated pages (Spill); the pages they came from are freed. Nothing is written in place.
// Nodes and their entry lists come from the database's WriterPool and go back to it when the
// transaction ends, so a write transaction allocates no nodes once the pool is warm.
using FastKv.Bolt.Format;

namespace FastKv.Bolt;

internal sealed unsafe class Node
{
    public Bucket Bucket = null!;
    public bool IsLeaf;
    public bool Unbalanced;
    public bool Spilled;
    /// <summary>True once merged away or collapsed into its parent; such a node must not be touched again.</summary>
    public bool Detached;
    /// <summary>The key this node is filed under in its parent (its first key when read).</summary>
    public ByteRef? Key;
    public ulong Pgid;
    public Node? Parent;
    /// <summary>Materialized children; rented from the pool with the node, like <see cref="Inodes"/>.</summary>
    public List<Node> Children = null!;
    /// <summary>Rented from the pool with the node; replaced (never grown in place) when it fills up.</summary>
    public List<Inode> Inodes = null!;

    private WriterPool Pool => Bucket.Tx.WriterPool;

    /// <summary>Back to the state of a fresh node, for the pool (which has taken its lists back already).</summary>
    public void Reset()
    {
        Bucket = null!;
        IsLeaf = Unbalanced = Spilled = Detached = false;
        Key = null;
        Pgid = 0;
        Parent = null;
        Children = null!;
        Inodes = null!;
    }

    /// <summary>Makes room for <paramref name="extra"/> more entries, moving to a larger pooled list when full:
    /// List's own growth would allocate a new array each time.</summary>
    private void EnsureRoom(int extra) => Inodes = Pool.EntryLists.EnsureRoom(Inodes, extra);

    public void AddChild(Node child)
    {
        Children = Pool.ChildLists.EnsureRoom(Children, 1);
        Children.Add(child);
    }

    private Node Root => Parent is null ? this : Parent.Root;
    private int MinKeys => IsLeaf ? 1 : 2;

    public int Size()
    {
        int size = PageHeader.Size;
        foreach (ref readonly var inode in System.Runtime.InteropServices.CollectionsMarshal.AsSpan(Inodes))
            size += LeafElement.Size + inode.Key.Length + inode.Value.Length;
        return size;
    }

    /// <summary>Index of the first inode whose key is >= <paramref name="key"/>, and whether it is equal.</summary>
    public int Search(ReadOnlySpan<byte> key, out bool exact)
    {
        int lo = 0, hi = Inodes.Count;
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(Inodes);
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (KeyCompare.Compare(span[mid].Key.Pointer, span[mid].Key.Length, key) < 0) lo = mid + 1;
            else hi = mid;
        }
        exact = lo < span.Length && span[lo].Key.Span.SequenceEqual(key);
        return lo;
    }

    public Node ChildAt(int index) => Bucket.Node(Inodes[index].Pgid, this);

    public int ChildIndex(Node child) => Search(child.KeySpan, out _);

    private ReadOnlySpan<byte> KeySpan =>
        Key is { } k ? k.Span : throw new BoltCorruptionException($"page {Pgid}: node has no key in its parent");

    /// <summary>Inserts or replaces the inode filed under <paramref name="oldKey"/>.</summary>
    public void Put(ReadOnlySpan<byte> oldKey, ByteRef newKey, ByteRef value, ulong pgid, uint flags)
    {
        int index = Search(oldKey, out bool exact);
        var inode = new Inode(flags, pgid, newKey, value);
        if (exact) Inodes[index] = inode;
        else
        {
            EnsureRoom(1);
            Inodes.Insert(index, inode);
        }
    }

    public bool Delete(ReadOnlySpan<byte> key)
    {
        int index = Search(key, out bool exact);
        if (!exact) return false;
        Inodes.RemoveAt(index);
        Unbalanced = true;
        return true;
    }

    public void Read(byte* page)
    {
        ref var header = ref PageReader.Header(page);
        Pgid = header.Id;
        IsLeaf = header.IsLeaf;
        int count = header.Count;
        EnsureRoom(count);
        for (int i = 0; i < count; i++)
        {
            if (IsLeaf)
            {
                var e = PageReader.Leaf(page, i);
                byte* key = (byte*)e + e->Pos;
                Inodes.Add(new Inode(e->Flags, 0,
                    new ByteRef(key, (int)e->KeySize), new ByteRef(key + e->KeySize, (int)e->ValueSize)));
            }
            else
            {
                var e = PageReader.Branch(page, i);
                Inodes.Add(new Inode(0, e->Pgid, new ByteRef((byte*)e + e->Pos, (int)e->KeySize), ByteRef.Empty));
            }
        }
        Key = Inodes.Count > 0 ? Inodes[0].Key : null;
    }

    /// <summary>Serializes into <paramref name="page"/> (id and overflow already set) and zeroes the rest of
    /// its <paramref name="capacity"/> bytes, so no stale bytes of a reused page reach the disk.</summary>
    public void Write(byte* page, int capacity)
    {
        ref var header = ref PageReader.Header(page);
        header.Flags = IsLeaf ? PageFlags.Leaf : PageFlags.Branch;
        if (Inodes.Count > ushort.MaxValue)
            throw new BoltException($"node has {Inodes.Count} elements; a page holds at most {ushort.MaxValue}");
        header.Count = (ushort)Inodes.Count;
        byte* data = page + PageHeader.Size + LeafElement.Size * Inodes.Count;
        for (int i = 0; i < Inodes.Count; i++)
        {
            var inode = Inodes[i];
            if (IsLeaf)
            {
                var e = PageReader.Leaf(page, i);
                e->Flags = inode.Flags;
                e->Pos = (uint)(data - (byte*)e);
                e->KeySize = (uint)inode.Key.Length;
                e->ValueSize = (uint)inode.Value.Length;
            }
            else
            {
                var e = PageReader.Branch(page, i);
                e->Pos = (uint)(data - (byte*)e);
                e->KeySize = (uint)inode.Key.Length;
                e->Pgid = inode.Pgid;
            }
            inode.Key.Span.CopyTo(new Span<byte>(data, inode.Key.Length));
            data += inode.Key.Length;
            inode.Value.Span.CopyTo(new Span<byte>(data, inode.Value.Length));
            data += inode.Value.Length;
        }
        new Span<byte>(data, capacity - (int)(data - page)).Clear();
    }

    /// <summary>Splits (by fill percent) and writes this subtree to new pages, children first.</summary>
    public void Spill()
    {
        if (Spilled) return;
        var tx = Bucket.Tx;
        // Children in key order, so pages of a sequential load come out in ascending order.
        Children.Sort(static (a, b) => a.Inodes[0].Key.Span.SequenceCompareTo(b.Inodes[0].Key.Span));
        for (int i = 0; i < Children.Count; i++) Children[i].Spill();
        Children.Clear();

        foreach (var node in Split(tx.PageSize))
        {
            if (node.Pgid > 0)
            {
                tx.FreePage(node.Pgid);
                node.Pgid = 0;
            }
            int pages = (node.Size() + tx.PageSize - 1) / tx.PageSize;
            byte* page = tx.Allocate(pages, out ulong pgid);
            node.Pgid = pgid;
            node.Write(page, pages * tx.PageSize);
            node.Spilled = true;
            if (node.Parent is not null)
            {
                var first = node.Inodes[0].Key;
                node.Parent.Put((node.Key ?? first).Span, first, ByteRef.Empty, node.Pgid, 0);
                node.Key = first;
            }
        }
        // A split of the root made a new parent: write it too.
        if (Parent is not null && Parent.Pgid == 0)
        {
            Children.Clear();
            Parent.Spill();
        }
    }

    /// <summary>Cuts this node into page-sized pieces: each piece takes elements until adding one more
    /// would pass the fill threshold (keeping at least two per piece), and the tail stops being cut
    /// once it fits a page. Every element is copied once, however many pieces there are.</summary>
    private List<Node> Split(int pageSize)
    {
        // Shared scratch: the pieces are consumed by the caller's loop before any other node splits.
        var nodes = Pool.SplitScratch;
        nodes.Clear();
        nodes.Add(this);
        double fill = Math.Clamp(Bucket.FillPercent, BoltLimits.MinFillPercent, BoltLimits.MaxFillPercent);
        int threshold = (int)(pageSize * fill);
        var inodes = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(Inodes);
        int first = -1, start = 0;
        while (inodes.Length - start > BoltLimits.MinKeysPerPage * 2 && !FitsInPage(inodes[start..], pageSize))
        {
            int cut = start + SplitIndex(inodes[start..], threshold);
            if (first < 0) first = cut;
            else nodes.Add(Piece(start, cut));
            start = cut;
        }
        if (first < 0) return nodes;
        nodes.Add(Piece(start, inodes.Length));
        Inodes.RemoveRange(first, Inodes.Count - first);
        return nodes;
    }

    private Node Piece(int from, int to)
    {
        if (Parent is null)
        {
            Parent = Pool.Rent(Bucket, isLeaf: false, parent: null, capacity: 4);
            Parent.AddChild(this);
        }
        var piece = Pool.Rent(Bucket, IsLeaf, Parent, to - from);
        piece.Inodes.AddRange(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(Inodes)[from..to]);
        Parent.AddChild(piece);
        return piece;
    }

    private static bool FitsInPage(ReadOnlySpan<Inode> inodes, int pageSize)
    {
        int size = PageHeader.Size;
        foreach (ref readonly var inode in inodes)
        {
            size += LeafElement.Size + inode.Key.Length + inode.Value.Length;
            if (size >= pageSize) return false;
        }
        return true;
    }

    private static int SplitIndex(ReadOnlySpan<Inode> inodes, int threshold)
    {
        int size = PageHeader.Size, index = 0;
        for (int i = 0; i < inodes.Length - BoltLimits.MinKeysPerPage; i++)
        {
            index = i;
            int elementSize = LeafElement.Size + inodes[i].Key.Length + inodes[i].Value.Length;
            if (i >= BoltLimits.MinKeysPerPage && size + elementSize > threshold) break;
            size += elementSize;
        }
        return index;
    }

    /// <summary>Merges this node into a sibling when it fell below a quarter page or its minimum key count.</summary>
    public void Rebalance()
    {
        if (!Unbalanced || Detached) return;
        Unbalanced = false;
        var tx = Bucket.Tx;
        if (Size() > tx.PageSize / 4 && Inodes.Count > MinKeys) return;

        if (Parent is null)
        {
            // A branch root with a single child is replaced by that child.
            if (!IsLeaf && Inodes.Count == 1)
            {
                var child = Bucket.Node(Inodes[0].Pgid, this);
                IsLeaf = child.IsLeaf;
                // Swapped, not shared: each list keeps exactly one owner for the pool to take back.
                (Inodes, child.Inodes) = (child.Inodes, Inodes);
                (Children, child.Children) = (child.Children, Children);
                child.Inodes.Clear();
                child.Children.Clear();
                foreach (var inode in Inodes)
                    if (Bucket.TryGetNode(inode.Pgid, out var grandChild)) grandChild.Parent = this;
                child.Parent = null;
                Bucket.ForgetNode(child.Pgid);
                child.Free();
                child.Detached = true;
            }
            return;
        }

        if (Inodes.Count == 0)
        {
            RemoveFromParent();
            Parent.Rebalance();
            return;
        }

        if (Parent.Inodes.Count < 2)
            throw new BoltCorruptionException($"page {Parent.Pgid}: branch with a single child below the root");

        // Merge with a sibling: the first child takes its right neighbour in, any other child moves into its left one.
        int index = Parent.ChildIndex(this);
        var (left, right) = index == 0 ? (this, Parent.ChildAt(1)) : (Parent.ChildAt(index - 1), this);
        Adopt(right.Inodes, left);
        left.EnsureRoom(right.Inodes.Count);
        left.Inodes.AddRange(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(right.Inodes));
        var parent = Parent;
        right.RemoveFromParent();
        parent.Rebalance();
    }

    private void RemoveFromParent()
    {
        Parent!.Delete(KeySpan);
        Parent.Children.Remove(this);
        Bucket.ForgetNode(Pgid);
        Free();
        Detached = true;
    }

    /// <summary>Moves the materialized children referenced by <paramref name="inodes"/> under <paramref name="newParent"/>.</summary>
    private void Adopt(List<Inode> inodes, Node newParent)
    {
        foreach (var inode in inodes)
        {
            if (!Bucket.TryGetNode(inode.Pgid, out var child)) continue;
            child.Parent?.Children.Remove(child);
            child.Parent = newParent;
            newParent.AddChild(child);
        }
    }

    /// <summary>Returns this node's page to the freelist (pending until no reader can see it).</summary>
    public void Free()
    {
        if (Pgid == 0) return;
        Bucket.Tx.FreePage(Pgid);
        Pgid = 0;
    }
}

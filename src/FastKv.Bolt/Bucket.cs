// A bucket: an ordered key/value collection, possibly holding nested buckets. Small buckets
// without children live inline in their parent's leaf (root page id 0). In a write transaction a
// bucket tracks the nodes it materialized and the child buckets it opened, and at commit writes
// them out (Rebalance, then Spill).
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FastKv.Bolt.Format;

namespace FastKv.Bolt;

public delegate void KeyValueVisitor(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value);

public sealed unsafe class Bucket
{
    internal readonly Tx Tx;
    internal BucketHeader Header;
    internal Node? RootNode;
    private byte* _inlinePage;
    private byte[]? _inlineHolder; // keeps the pinned copy of an inline bucket's page alive
    private Dictionary<ulong, Node>? _nodes;
    private Dictionary<byte[], Bucket>? _children;
    private Cursor? _scratch;

    /// <summary>How full split pages are left: 0.5 (bbolt's default) suits random writes; raise it for sequential loads.</summary>
    public double FillPercent { get; set; } = BoltLimits.DefaultFillPercent;

    internal Bucket(Tx tx, BucketHeader header)
    {
        Tx = tx;
        Header = header;
        if (tx.Writable) _nodes = tx.WriterPool.RentMap();
    }

    public bool Writable => Tx.Writable;
    public ulong Sequence => Header.Sequence;
    internal bool IsInline => Header.Root == 0;

    public Cursor Cursor()
    {
        Tx.EnsureOpen();
        return new Cursor(this);
    }

    /// <summary>A cursor on this bucket made from <paramref name="reuse"/> (a cursor of any bucket, whose
    /// transaction may have ended), so a caller that iterates every batch allocates one cursor once.</summary>
    public Cursor Cursor(Cursor? reuse)
    {
        if (reuse is null) return Cursor();
        Tx.EnsureOpen();
        reuse.Reuse(this);
        return reuse;
    }

    private Cursor Scratch => _scratch ??= Tx.WriterPool.RentCursor(this);

    // ---- reads --------------------------------------------------------------------------------

    /// <summary>Looks a key up. The span points into the map (or the transaction's own copy) until the transaction ends.</summary>
    public bool TryGet(ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        Tx.EnsureOpen();
        if (Lookup(key, out value, out uint flags) && (flags & LeafElement.BucketFlag) == 0) return true;
        value = default;
        return false;
    }

    /// <summary>The value of <paramref name="key"/> copied to an array, or null.</summary>
    public byte[]? Get(ReadOnlySpan<byte> key) => TryGet(key, out var v) ? v.ToArray() : null;

    // Descends root to leaf without a cursor so a point read allocates nothing.
    private bool Lookup(ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value, out uint flags)
    {
        ulong pgid = Header.Root;
        while (true)
        {
            PageNode(pgid, out byte* page, out var node);
            if (node is not null)
            {
                int index = node.Search(key, out bool exact);
                if (node.IsLeaf)
                {
                    if (exact)
                    {
                        ref var inode = ref CollectionsMarshal.AsSpan(node.Inodes)[index];
                        value = inode.Value.Span;
                        flags = inode.Flags;
                        return true;
                    }
                    break;
                }
                if (!exact && index > 0) index--;
                pgid = node.Inodes[index].Pgid;
            }
            else if (PageReader.Header(page).IsLeaf)
            {
                int index = PageSearch.Leaf(page, key, out bool exact);
                if (exact)
                {
                    value = PageReader.LeafValue(page, index);
                    flags = PageReader.Leaf(page, index)->Flags;
                    return true;
                }
                break;
            }
            else
            {
                if (PageReader.Header(page).Count == 0) break;
                pgid = PageReader.Branch(page, PageSearch.Branch(page, key))->Pgid;
            }
        }
        value = default;
        flags = 0;
        return false;
    }

    /// <summary>Calls <paramref name="visit"/> for every key in order; nested buckets come with an empty value.</summary>
    public void ForEach(KeyValueVisitor visit)
    {
        var c = Cursor();
        for (bool ok = c.First(out var k, out var v); ok; ok = c.Next(out k, out v))
            visit(k, v);
    }

    // ---- nested buckets -----------------------------------------------------------------------

    public Bucket? GetBucket(ReadOnlySpan<byte> name)
    {
        Tx.EnsureOpen();
        if (_children is not null &&
            _children.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(name, out var cached))
            return cached;
        if (!Lookup(name, out var value, out uint flags) || (flags & LeafElement.BucketFlag) == 0) return null;
        var child = Open(value);
        (_children ??= new Dictionary<byte[], Bucket>(ByteArrayComparer.Instance)).Add(name.ToArray(), child);
        return child;
    }

    private Bucket Open(ReadOnlySpan<byte> value)
    {
        if (value.Length < BucketHeader.Size)
            throw new BoltCorruptionException($"bucket value of {value.Length} bytes is shorter than a bucket header");
        var child = new Bucket(Tx, PageReader.ReadBucketHeader(value));
        if (child.IsInline)
        {
            if (value.Length < BucketHeader.Size + PageHeader.Size)
                throw new BoltCorruptionException($"inline bucket value of {value.Length} bytes is shorter than a page header");
            // The inline page is read through pointers; give it a home that never moves.
            child._inlineHolder = GC.AllocateUninitializedArray<byte>(value.Length, pinned: true);
            value.CopyTo(child._inlineHolder);
            child._inlinePage = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(child._inlineHolder)) + BucketHeader.Size;
        }
        return child;
    }

    public Bucket CreateBucket(ReadOnlySpan<byte> name)
    {
        Tx.EnsureWritable();
        if (name.IsEmpty) throw BoltException.BucketNameRequired();
        if (name.Length > BoltLimits.MaxKeySize) throw BoltException.KeyTooLarge();
        var c = Scratch;
        if (c.SeekExact(name, out _, out uint flags))
            throw (flags & LeafElement.BucketFlag) != 0 ? BoltException.BucketExists() : BoltException.IncompatibleValue();

        // A new bucket starts inline: a header with root 0 followed by an empty leaf page.
        var value = Tx.Arena.Zeroed(BucketHeader.Size + PageHeader.Size);
        ((PageHeader*)(value.Pointer + BucketHeader.Size))->Flags = PageFlags.Leaf;
        c.CurrentNode().Put(name, Tx.Arena.Copy(name), value, 0, LeafElement.BucketFlag);
        return GetBucket(name)!;
    }

    public Bucket CreateBucketIfNotExists(ReadOnlySpan<byte> name) => GetBucket(name) ?? CreateBucket(name);

    public void DeleteBucket(ReadOnlySpan<byte> name)
    {
        Tx.EnsureWritable();
        var c = Scratch;
        if (!c.SeekExact(name, out _, out uint flags)) throw BoltException.BucketNotFound();
        if ((flags & LeafElement.BucketFlag) == 0) throw BoltException.IncompatibleValue();

        var child = GetBucket(name)!;
        // Collect first: deleting while iterating would shift the cursor under us.
        var grandChildren = new List<byte[]>();
        var gc = child.Cursor();
        for (bool ok = gc.First(out var k, out _); ok; ok = gc.Next(out k, out _))
            if (gc.IsBucket) grandChildren.Add(k.ToArray());
        foreach (var g in grandChildren) child.DeleteBucket(g);

        _children!.GetAlternateLookup<ReadOnlySpan<byte>>().Remove(name);
        child._nodes = null;
        child.RootNode = null;
        child.Free();
        if (!c.SeekExact(name, out _, out _)) throw new BoltCorruptionException("bucket vanished while being deleted");
        c.CurrentNode().Delete(name);
    }

    // ---- writes -------------------------------------------------------------------------------

    public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        Tx.EnsureWritable();
        if (key.IsEmpty) throw BoltException.KeyRequired();
        if (key.Length > BoltLimits.MaxKeySize) throw BoltException.KeyTooLarge();
        if ((long)value.Length > BoltLimits.MaxValueSize) throw BoltException.ValueTooLarge();
        var c = Scratch;
        if (c.SeekExact(key, out _, out uint flags) && (flags & LeafElement.BucketFlag) != 0)
            throw BoltException.IncompatibleValue();
        c.CurrentNode().Put(key, Tx.Arena.Copy(key), Tx.Arena.Copy(value), 0, 0);
    }

    /// <summary>Removes a key; a missing key is not an error.</summary>
    public void Delete(ReadOnlySpan<byte> key)
    {
        Tx.EnsureWritable();
        var c = Scratch;
        if (!c.SeekExact(key, out _, out uint flags)) return;
        if ((flags & LeafElement.BucketFlag) != 0) throw BoltException.IncompatibleValue();
        c.CurrentNode().Delete(key);
    }

    public void SetSequence(ulong value)
    {
        Tx.EnsureWritable();
        // Materializing the root marks the bucket dirty so its header is rewritten at commit.
        if (RootNode is null) Node(Header.Root, null);
        Header.Sequence = value;
    }

    public ulong NextSequence()
    {
        SetSequence(Header.Sequence + 1);
        return Header.Sequence;
    }

    // ---- nodes and pages ----------------------------------------------------------------------

    /// <summary>The page for <paramref name="pgid"/>, or the node that replaced it in this transaction.</summary>
    internal void PageNode(ulong pgid, out byte* page, out Node? node)
    {
        if (IsInline)
        {
            if (pgid != 0) throw new BoltCorruptionException($"inline bucket refers to page {pgid}");
            node = RootNode;
            page = node is null ? _inlinePage : null;
            return;
        }
        if (_nodes is not null && _nodes.TryGetValue(pgid, out node))
        {
            page = null;
            return;
        }
        node = null;
        page = Tx.Page(pgid);
        ushort flags = PageReader.Header(page).Flags;
        if (flags != PageFlags.Leaf && flags != PageFlags.Branch)
            throw new BoltCorruptionException($"page {pgid}: expected a branch or leaf page, found {PageFlags.Describe(flags)}");
    }

    internal Node Node(ulong pgid, Node? parent)
    {
        if (_nodes!.TryGetValue(pgid, out var existing)) return existing;
        byte* page = IsInline ? _inlinePage : Tx.Page(pgid);
        ref var header = ref PageReader.Header(page);
        // One spare slot: the write that materialized the node usually inserts next.
        var node = Tx.WriterPool.Rent(this, header.IsLeaf, parent, header.Count + 1);
        if (parent is null) RootNode = node;
        else parent.AddChild(node);
        node.Read(page);
        if (IsInline) node.Pgid = 0; // an inline page has no page id of its own
        _nodes[pgid] = node;
        return node;
    }

    internal bool TryGetNode(ulong pgid, out Node node) => _nodes!.TryGetValue(pgid, out node!);

    internal void ForgetNode(ulong pgid) => _nodes?.Remove(pgid);

    internal void Rebalance()
    {
        if (_nodes is { Count: > 0 })
        {
            // A snapshot: rebalancing materializes siblings into _nodes. Child buckets reuse the
            // scratch list only after this loop.
            var nodes = Tx.WriterPool.RebalanceScratch;
            nodes.Clear();
            nodes.AddRange(_nodes.Values);
            for (int i = 0; i < nodes.Count; i++) nodes[i].Rebalance();
            nodes.Clear();
        }
        if (_children is not null)
            foreach (var child in _children.Values) child.Rebalance();
    }

    /// <summary>Nodes this bucket and its open children will write at commit (a child that changed
    /// rewrites the parent's leaf that holds its header, materialized only at spill).</summary>
    internal int DirtyNodeCount()
    {
        int own = _nodes?.Count ?? 0, children = 0;
        bool childChanged = false;
        if (_children is not null)
            foreach (var child in _children.Values)
            {
                children += child.DirtyNodeCount();
                childChanged |= child.RootNode is not null;
            }
        return (own == 0 && childChanged ? 1 : own) + children;
    }

    internal void Spill()
    {
        if (_children is not null)
        {
            foreach (var (name, child) in _children)
            {
                ByteRef value;
                if (child.Inlineable())
                {
                    child.Free();
                    value = child.WriteInline();
                }
                else
                {
                    child.Spill();
                    value = Tx.Arena.Zeroed(BucketHeader.Size);
                    Unsafe.WriteUnaligned(value.Pointer, child.Header);
                }
                if (child.RootNode is null) continue; // untouched: its header in our leaf is current

                var c = Scratch;
                if (!c.SeekExact(name, out _, out uint flags) || (flags & LeafElement.BucketFlag) == 0)
                    throw new BoltCorruptionException("bucket header not found where its name sorts");
                c.CurrentNode().Put(name, Tx.Arena.Copy(name), value, 0, LeafElement.BucketFlag);
            }
        }
        if (RootNode is null) return;
        RootNode.Spill();
        while (RootNode.Parent is not null) RootNode = RootNode.Parent;
        Header.Root = RootNode.Pgid;
    }

    private bool Inlineable()
    {
        var n = RootNode;
        if (n is null || !n.IsLeaf) return false;
        int size = PageHeader.Size;
        foreach (ref readonly var inode in CollectionsMarshal.AsSpan(n.Inodes))
        {
            if ((inode.Flags & LeafElement.BucketFlag) != 0) return false;
            size += LeafElement.Size + inode.Key.Length + inode.Value.Length;
            if (size > Tx.PageSize / 4) return false;
        }
        return true;
    }

    private ByteRef WriteInline()
    {
        var n = RootNode!;
        int size = n.Size();
        var value = Tx.Arena.Zeroed(BucketHeader.Size + size);
        Unsafe.WriteUnaligned(value.Pointer, Header);
        n.Write(value.Pointer + BucketHeader.Size, size);
        return value;
    }

    /// <summary>Frees every page of this bucket's tree (not nested buckets: callers delete those first).</summary>
    internal void Free()
    {
        if (IsInline) return;
        FreeSubtree(Header.Root, depth: 0);
        Header.Root = 0;
    }

    private void FreeSubtree(ulong pgid, int depth)
    {
        if (depth > 64) throw new BoltCorruptionException($"page {pgid}: tree deeper than 64 levels (a cycle?)");
        PageNode(pgid, out byte* page, out var node);
        if (node is not null)
        {
            node.Free();
            if (!node.IsLeaf)
                foreach (var inode in node.Inodes) FreeSubtree(inode.Pgid, depth + 1);
            return;
        }
        Tx.FreePage(pgid);
        ref var header = ref PageReader.Header(page);
        if (header.IsBranch)
            for (int i = 0; i < header.Count; i++) FreeSubtree(PageReader.Branch(page, i)->Pgid, depth + 1);
    }

    // ---- statistics ---------------------------------------------------------------------------

    /// <summary>Page, key and space counts of this bucket and everything nested in it.</summary>
    public BucketStats Stats()
    {
        Tx.EnsureOpen();
        var stats = new BucketStats { BucketN = 1 };
        if (IsInline)
        {
            stats.InlineBucketN = 1;
            stats.Depth = 1;
        }
        CollectStats(Header.Root, 1, stats);
        return stats;
    }

    private void CollectStats(ulong pgid, int depth, BucketStats stats)
    {
        if (depth > 64) throw new BoltCorruptionException($"page {pgid}: tree deeper than 64 levels (a cycle?)");
        PageNode(pgid, out byte* page, out var node);
        // Statistics describe what is committed, so a node means "read its page".
        if (node is not null) page = IsInline ? _inlinePage : Tx.Page(node.Pgid == 0 ? pgid : node.Pgid);
        ref var header = ref PageReader.Header(page);
        stats.Depth = Math.Max(stats.Depth, depth);
        long used = PageHeader.Size;
        if (header.IsLeaf)
        {
            stats.KeyN += header.Count;
            for (int i = 0; i < header.Count; i++)
            {
                var e = PageReader.Leaf(page, i);
                used += LeafElement.Size + e->KeySize + e->ValueSize;
                if (!e->IsBucket) continue;
                var child = Open(PageReader.LeafValue(page, i));
                var childStats = child.Stats();
                stats.Add(childStats);
            }
            if (IsInline) stats.InlineBucketInuse += used;
            else
            {
                stats.LeafPageN++;
                stats.LeafOverflowN += header.Overflow;
                stats.LeafInuse += used;
                stats.LeafAlloc += (header.Overflow + 1L) * Tx.PageSize;
            }
        }
        else if (header.IsBranch)
        {
            stats.BranchPageN++;
            stats.BranchOverflowN += header.Overflow;
            for (int i = 0; i < header.Count; i++)
            {
                var e = PageReader.Branch(page, i);
                used += BranchElement.Size + e->KeySize;
            }
            stats.BranchInuse += used;
            stats.BranchAlloc += (header.Overflow + 1L) * Tx.PageSize;
            for (int i = 0; i < header.Count; i++)
                CollectStats(PageReader.Branch(page, i)->Pgid, depth + 1, stats);
        }
    }
}

// Ordered iteration over one bucket. The cursor keeps the path from the bucket's root to the
// current leaf element; each step of the path is a mapped page or, in a write transaction, the
// node that replaced it. Keys and values are spans into the map (or the node) valid until the
// transaction ends. A cursor allocates once, when created.
using FastKv.Bolt.Format;

namespace FastKv.Bolt;

public sealed unsafe class Cursor
{
    private struct Step
    {
        public byte* Page;
        public Node? Node;
        public int Index;

        public readonly bool IsLeaf => Node?.IsLeaf ?? PageReader.Header(Page).IsLeaf;
        public readonly int Count => Node?.Inodes.Count ?? PageReader.Header(Page).Count;

        public readonly ulong ChildPgid(int index) =>
            Node is not null ? Node.Inodes[index].Pgid : PageReader.Branch(Page, index)->Pgid;
    }

    private Bucket _bucket;
    private Step[] _path = new Step[8];
    private int _depth;
    // After Delete the cursor sits on the element that followed the deleted one.
    private bool _afterDelete;

    internal Cursor(Bucket bucket) => _bucket = bucket;

    /// <summary>Starts over on <paramref name="bucket"/> (a writer's pooled scratch cursor); null when parked in the pool.</summary>
    internal void Reuse(Bucket? bucket)
    {
        _bucket = bucket!;
        Array.Clear(_path, 0, _depth);
        _depth = 0;
        _afterDelete = false;
        IsBucket = false;
    }

    public Bucket Bucket => _bucket;

    /// <summary>Whether the element the cursor is on is a nested bucket (its value is then empty).</summary>
    public bool IsBucket { get; private set; }

    private ref Step Top => ref _path[_depth - 1];

    public bool First(out ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value) => ToEdge(last: false, out key, out value);

    public bool Last(out ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value) => ToEdge(last: true, out key, out value);

    // Descends from the root along the first or last child; an empty leaf there (possible
    // after deletes) moves on to the neighbouring element.
    private bool ToEdge(bool last, out ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        _bucket.Tx.EnsureOpen();
        _afterDelete = false;
        _depth = 0;
        Push(_bucket.Header.Root);
        if (last) DescendLast();
        else DescendFirst();
        if (Top.Count == 0) return last ? MovePrev(out key, out value) : MoveNext(out key, out value);
        return Current(out key, out value);
    }

    public bool Next(out ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        _bucket.Tx.EnsureOpen();
        if (_depth == 0) { key = value = default; return false; }
        // Fast path: the next element is on the same mapped leaf page.
        ref var top = ref _path[_depth - 1];
        if (top.Node is null && !_afterDelete && top.Index + 1 < PageReader.Header(top.Page).Count)
        {
            int index = ++top.Index;
            var e = PageReader.Leaf(top.Page, index);
            byte* k = (byte*)e + e->Pos;
            key = new ReadOnlySpan<byte>(k, (int)e->KeySize);
            IsBucket = (e->Flags & LeafElement.BucketFlag) != 0;
            value = IsBucket ? default : new ReadOnlySpan<byte>(k + e->KeySize, (int)e->ValueSize);
            return true;
        }
        if (_afterDelete)
        {
            _afterDelete = false;
            if (Top.Index < Top.Count) return Current(out key, out value);
        }
        return MoveNext(out key, out value);
    }

    public bool Prev(out ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        _bucket.Tx.EnsureOpen();
        _afterDelete = false;
        if (_depth == 0) { key = value = default; return false; }
        return MovePrev(out key, out value);
    }

    /// <summary>Moves to the first key >= <paramref name="seek"/>.</summary>
    public bool Seek(ReadOnlySpan<byte> seek, out ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        _bucket.Tx.EnsureOpen();
        _afterDelete = false;
        SearchFromRoot(seek);
        if (Top.Index >= Top.Count) return MoveNext(out key, out value);
        return Current(out key, out value);
    }

    /// <summary>Removes the current key/value. A following Next returns the element after it.</summary>
    public void Delete()
    {
        _bucket.Tx.EnsureWritable();
        if (!Raw(out var k, out _, out uint flags)) return;
        if ((flags & LeafElement.BucketFlag) != 0) throw BoltException.IncompatibleValue();
        // The key's bytes stay valid after the delete: they live in the map or the transaction's arena.
        CurrentNode().Delete(k);
        // The path may still point at pages that the delete replaced with nodes: find the spot again.
        SearchFromRoot(k);
        _afterDelete = true;
    }

    /// <summary>Positions on the leaf slot where <paramref name="key"/> is or would be; true when it is there.</summary>
    internal bool SeekExact(ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value, out uint flags)
    {
        SearchFromRoot(key);
        if (Raw(out var found, out value, out flags) && found.SequenceEqual(key)) return true;
        value = default;
        flags = 0;
        return false;
    }

    /// <summary>The node of the current leaf, materializing the path from the root.</summary>
    internal Node CurrentNode()
    {
        if (Top.Node is { IsLeaf: true } leaf) return leaf;
        var node = _path[0].Node ?? _bucket.Node(_bucket.Header.Root, null);
        for (int i = 0; i < _depth - 1; i++)
            node = node.ChildAt(_path[i].Index);
        return node;
    }

    private void SearchFromRoot(ReadOnlySpan<byte> key)
    {
        _depth = 0;
        ulong pgid = _bucket.Header.Root;
        while (true)
        {
            Push(pgid);
            ref var step = ref Top;
            if (step.Node is { } node)
            {
                int index = node.Search(key, out bool exact);
                if (node.IsLeaf) { step.Index = index; return; }
                if (!exact && index > 0) index--;
                step.Index = index;
                pgid = node.Inodes[index].Pgid;
            }
            else if (PageReader.Header(step.Page).IsLeaf)
            {
                step.Index = PageSearch.Leaf(step.Page, key, out _);
                return;
            }
            else
            {
                step.Index = PageSearch.Branch(step.Page, key);
                pgid = PageReader.Branch(step.Page, step.Index)->Pgid;
            }
        }
    }

    private void Push(ulong pgid)
    {
        _bucket.PageNode(pgid, out byte* page, out var node);
        if (_depth == _path.Length) Array.Resize(ref _path, _path.Length * 2);
        _path[_depth++] = new Step { Page = page, Node = node, Index = 0 };
    }

    private void DescendFirst()
    {
        while (!Top.IsLeaf)
        {
            Push(Top.ChildPgid(Top.Index));
            Top.Index = 0;
        }
    }

    private void DescendLast()
    {
        while (true)
        {
            ref var top = ref Top;
            top.Index = top.Count - 1;
            if (top.IsLeaf) return;
            Push(top.ChildPgid(top.Index));
        }
    }

    private bool MoveNext(out ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        while (true)
        {
            int i;
            for (i = _depth - 1; i >= 0; i--)
            {
                ref var step = ref _path[i];
                if (step.Index < step.Count - 1) { step.Index++; break; }
            }
            if (i < 0)
            {
                // Past the end: stay on the last leaf, one beyond its last element.
                Top.Index = Top.Count;
                key = value = default;
                IsBucket = false;
                return false;
            }
            _depth = i + 1;
            DescendFirst();
            PrefetchNextLeaf();
            if (Top.Count == 0) continue;
            return Current(out key, out value);
        }
    }

    /// <summary>Starts loading the next leaf's header and elements while this leaf is iterated: in a
    /// file built by random writes, neighbouring leaves are rarely neighbouring pages.</summary>
    private void PrefetchNextLeaf()
    {
        if (_depth < 2 || !System.Runtime.Intrinsics.X86.Sse.IsSupported) return;
        ref var parent = ref _path[_depth - 2];
        if (parent.Node is not null || parent.Index + 1 >= parent.Count) return;
        ulong pgid = PageReader.Branch(parent.Page, parent.Index + 1)->Pgid;
        if (!_bucket.Tx.IsTreePage(pgid)) return; // a hint must never throw, even on a damaged branch
        byte* next = _bucket.Tx.Page(pgid);
        for (int line = 0; line < 4; line++) System.Runtime.Intrinsics.X86.Sse.Prefetch0(next + line * 64);
    }

    private bool MovePrev(out ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        while (true)
        {
            while (_depth > 0 && Top.Index <= 0) _depth--;
            if (_depth == 0)
            {
                key = value = default;
                IsBucket = false;
                return false;
            }
            Top.Index--;
            if (!Top.IsLeaf)
            {
                Push(Top.ChildPgid(Top.Index));
                DescendLast();
            }
            if (Top.Count == 0) continue;
            return Current(out key, out value);
        }
    }

    private bool Current(out ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        if (!Raw(out key, out value, out uint flags))
        {
            IsBucket = false;
            return false;
        }
        IsBucket = (flags & LeafElement.BucketFlag) != 0;
        if (IsBucket) value = default;
        return true;
    }

    internal bool Raw(out ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value, out uint flags)
    {
        if (_depth == 0) { key = value = default; flags = 0; return false; }
        ref var step = ref Top;
        if (step.Index < 0 || step.Index >= step.Count) { key = value = default; flags = 0; return false; }
        if (step.Node is { } node)
        {
            ref var inode = ref System.Runtime.InteropServices.CollectionsMarshal.AsSpan(node.Inodes)[step.Index];
            key = inode.Key.Span;
            value = inode.Value.Span;
            flags = inode.Flags;
            return true;
        }
        key = PageReader.LeafKey(step.Page, step.Index);
        value = PageReader.LeafValue(step.Page, step.Index);
        flags = PageReader.Leaf(step.Page, step.Index)->Flags;
        return true;
    }
}

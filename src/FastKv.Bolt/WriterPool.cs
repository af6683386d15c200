// The single writer's reusable memory, one per database: Node objects and their lists, the
// buckets' page-to-node maps and scratch cursors, the arena of put bytes and the list of pages a
// transaction wrote. A write transaction rents from it and everything goes back at once when
// the transaction ends (commit or rollback), never earlier, so nothing is reused while the
// transaction that rented it can still reach it (cursor paths, parents, bucket maps).
// Lists keep their capacity (ListPool), so in steady state a node that grows (the leaf a batch
// appends revisions to) swaps to a large list freed by an earlier transaction instead of
// allocating. Only the single writer touches it, under the writer lock.
using System.Runtime.CompilerServices;

namespace FastKv.Bolt;

internal sealed class WriterPool
{
    /// <summary>The bytes the current transaction put; reset when it ends.</summary>
    internal readonly Arena Arena = new();
    private static readonly ConditionalWeakTable<BoltDb, WriterPool> s_byDb = new();

    // A list of more than this many entries (3 MiB of entries) is not kept: a one-off huge node must not pin its memory.
    private const int MaxKeptCapacity = 1 << 16;
    // At most this many entries in all kept lists (48 MiB of entries; a 10,000-write batch on a
    // large tree touches about 10,000 leaves of a few dozen entries).
    private const long MaxKeptEntries = 1 << 20;
    // Objects kept across transactions; a rare giant transaction does not keep all of its nodes for good.
    private const int MaxKeptNodes = 1 << 16;

    private readonly Stack<Node> _freeNodes = new();
    private readonly List<Node> _lent = new();
    /// <summary>Nodes' entry lists.</summary>
    internal readonly ListPool<Inode> EntryLists = new(MaxKeptCapacity, MaxKeptEntries);
    /// <summary>Nodes' lists of materialized children.</summary>
    internal readonly ListPool<Node> ChildLists = new(MaxKeptCapacity, MaxKeptEntries);
    private readonly Stack<Dictionary<ulong, Node>> _freeMaps = new();
    private readonly List<Dictionary<ulong, Node>> _lentMaps = new();
    private readonly Stack<Cursor> _freeCursors = new();
    private readonly List<Cursor> _lentCursors = new();

    /// <summary>The pages the current transaction wrote (cleared when it ends).</summary>
    internal readonly List<Io.DirtyPage> DirtyPages = new();
    /// <summary>Scratch for a node's split pieces (used by one Spill step at a time).</summary>
    internal readonly List<Node> SplitScratch = new();
    /// <summary>Scratch for a bucket's rebalance snapshot of its nodes (used by one bucket at a time).</summary>
    internal readonly List<Node> RebalanceScratch = new();

    public static WriterPool For(BoltDb db) => s_byDb.GetValue(db, static _ => new WriterPool());

    /// <summary>A reset node with room for <paramref name="capacity"/> entries.</summary>
    public Node Rent(Bucket bucket, bool isLeaf, Node? parent, int capacity)
    {
        var node = _freeNodes.TryPop(out var n) ? n : new Node();
        node.Bucket = bucket;
        node.IsLeaf = isLeaf;
        node.Parent = parent;
        node.Inodes = EntryLists.Rent(capacity);
        node.Children = ChildLists.Rent(isLeaf ? 0 : capacity);
        _lent.Add(node);
        return node;
    }

    public Dictionary<ulong, Node> RentMap()
    {
        var map = _freeMaps.TryPop(out var m) ? m : new Dictionary<ulong, Node>();
        _lentMaps.Add(map);
        return map;
    }

    /// <summary>A cursor for the bucket's own use (never handed to callers, who may keep theirs past the transaction).</summary>
    public Cursor RentCursor(Bucket bucket)
    {
        var cursor = _freeCursors.TryPop(out var c) ? c : new Cursor(bucket);
        cursor.Reuse(bucket);
        _lentCursors.Add(cursor);
        return cursor;
    }

    /// <summary>The transaction ended: every node, list and map it rented is free again.</summary>
    public void ReleaseAll()
    {
        foreach (var node in _lent)
        {
            EntryLists.Return(node.Inodes);
            ChildLists.Return(node.Children);
            node.Reset();
            if (_freeNodes.Count < MaxKeptNodes) _freeNodes.Push(node);
        }
        _lent.Clear();
        // Pushed newest first, so the next transaction's buckets, opened in the usual order, get the
        // maps (already sized by Dictionary's growth) that the same buckets used last time.
        for (int i = _lentMaps.Count - 1; i >= 0; i--)
        {
            _lentMaps[i].Clear();
            if (_freeMaps.Count < MaxKeptNodes) _freeMaps.Push(_lentMaps[i]);
        }
        _lentMaps.Clear();
        foreach (var cursor in _lentCursors)
        {
            cursor.Reuse(null);
            if (_freeCursors.Count < MaxKeptNodes) _freeCursors.Push(cursor);
        }
        _lentCursors.Clear();
        Arena.Reset();
        SplitScratch.Clear();
        RebalanceScratch.Clear();
    }
}

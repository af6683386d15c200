// The writer's reusable node memory, one per database: Node objects, their entry lists and the
// buckets' page-to-node maps. A write transaction rents from it and everything goes back at
// once when the transaction ends (commit or rollback), never earlier, so no node is reused
// while the transaction that made it can still reach it (cursor paths, parents, bucket maps).
// Lists keep their capacity, sorted into power-of-two classes, so in steady state a node that
// grows (the leaf a batch appends revisions to) swaps to a large list freed by an earlier
// transaction instead of allocating. Only the single writer touches it, under the writer lock.
using System.Runtime.CompilerServices;

namespace FastKv.Bolt;

internal sealed class NodePool
{
    private static readonly ConditionalWeakTable<BoltDb, NodePool> s_byDb = new();

    // Entry lists by capacity class: class c holds lists with capacity in [2^c, 2^(c+1)).
    private const int Classes = 31;
    // A list of more than this many entries is not kept: a one-off huge node must not pin its memory.
    private const int MaxKeptCapacity = 1 << 20;
    // Objects kept across transactions; a rare giant transaction does not keep all of its nodes for good.
    private const int MaxKeptNodes = 1 << 16;

    private readonly Stack<Node> _freeNodes = new();
    private readonly List<Node> _lent = new();
    private readonly Stack<List<Inode>>[] _freeLists = new Stack<List<Inode>>[Classes];
    private readonly Stack<Dictionary<ulong, Node>> _freeMaps = new();
    private readonly List<Dictionary<ulong, Node>> _lentMaps = new();

    /// <summary>Scratch for a node's split pieces (used by one Spill step at a time).</summary>
    internal readonly List<Node> SplitScratch = new();
    /// <summary>Scratch for a bucket's rebalance snapshot of its nodes (used by one bucket at a time).</summary>
    internal readonly List<Node> RebalanceScratch = new();

    private NodePool()
    {
        for (int i = 0; i < Classes; i++) _freeLists[i] = new Stack<List<Inode>>();
    }

    public static NodePool For(BoltDb db) => s_byDb.GetValue(db, static _ => new NodePool());

    /// <summary>A reset node with room for <paramref name="capacity"/> entries.</summary>
    public Node Rent(Bucket bucket, bool isLeaf, Node? parent, int capacity)
    {
        var node = _freeNodes.TryPop(out var n) ? n : new Node();
        node.Bucket = bucket;
        node.IsLeaf = isLeaf;
        node.Parent = parent;
        node.Inodes = RentList(capacity);
        _lent.Add(node);
        return node;
    }

    public Dictionary<ulong, Node> RentMap()
    {
        var map = _freeMaps.TryPop(out var m) ? m : new Dictionary<ulong, Node>();
        _lentMaps.Add(map);
        return map;
    }

    /// <summary>An empty list whose capacity is at least <paramref name="capacity"/>. A list up to
    /// <paramref name="maxClimb"/> classes larger will do; a node read from a page asks for little
    /// slack, so it does not take the large lists a growing node will want.</summary>
    public List<Inode> RentList(int capacity, int maxClimb = 2)
    {
        capacity = Math.Max(capacity, 4);
        // The smallest class whose every list is big enough, then upwards.
        int c = ClassOf(capacity);
        if (1 << c < capacity) c++;
        int last = Math.Min(Classes - 1, c + maxClimb);
        for (; c <= last; c++)
            if (_freeLists[c].TryPop(out var list)) return list;
        return new List<Inode>(capacity);
    }

    /// <summary>Takes a list back; it must be referenced by nothing that outlives the transaction.</summary>
    public void ReturnList(List<Inode> list)
    {
        if (list.Capacity > MaxKeptCapacity) return;
        list.Clear();
        _freeLists[ClassOf(list.Capacity)].Push(list);
    }

    private static int ClassOf(int capacity) => 31 - System.Numerics.BitOperations.LeadingZeroCount((uint)Math.Max(capacity, 1));

    /// <summary>The transaction ended: every node, list and map it rented is free again.</summary>
    public void ReleaseAll()
    {
        foreach (var node in _lent)
        {
            ReturnList(node.Inodes);
            node.Reset();
            if (_freeNodes.Count < MaxKeptNodes) _freeNodes.Push(node);
        }
        _lent.Clear();
        foreach (var map in _lentMaps)
        {
            map.Clear();
            if (_freeMaps.Count < MaxKeptNodes) _freeMaps.Push(map);
        }
        _lentMaps.Clear();
        SplitScratch.Clear();
        RebalanceScratch.Clear();
    }
}

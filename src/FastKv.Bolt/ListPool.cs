// Reusable lists sorted by capacity, for the writer's nodes: every list's capacity is a power of
// two and a list lives in the class of that power, so any list of a class serves any request of
// it. A node that fills its list swaps to a larger pooled one instead of letting List grow (which
// allocates a new array each time); in steady state the large lists a previous transaction needed
// are here for the next. Writer only, under the writer lock.
using System.Numerics;

namespace FastKv.Bolt;

internal sealed class ListPool<T>(int maxKeptCapacity, long maxKeptItems)
{
    private const int Classes = 31;
    private readonly Stack<List<T>>[] _free = CreateClasses();
    // Capacity of all the lists kept: a transaction that touched a huge part of the tree (a large
    // rollback, a bulk load) must not leave all of its lists behind.
    private long _keptItems;

    private static Stack<List<T>>[] CreateClasses()
    {
        var free = new Stack<List<T>>[Classes];
        for (int i = 0; i < Classes; i++) free[i] = new Stack<List<T>>();
        return free;
    }

    /// <summary>An empty list whose capacity is at least <paramref name="capacity"/>. A list up to
    /// <paramref name="maxClimb"/> classes larger will do; a node read from a page asks for little
    /// slack, so it does not take the large lists a growing node will want.</summary>
    public List<T> Rent(int capacity, int maxClimb = 2)
    {
        capacity = Math.Max(capacity, 4);
        int wanted = 31 - BitOperations.LeadingZeroCount((uint)capacity);
        if (1 << wanted < capacity) wanted++;
        int last = (int)Math.Min(Classes - 1, (long)wanted + maxClimb);
        for (int c = wanted; c <= last; c++)
            if (_free[c].TryPop(out var list))
            {
                _keptItems -= list.Capacity;
                return list;
            }
        return new List<T>(1 << wanted);
    }

    /// <summary>Takes a list back (cleared); nothing may use it afterwards.</summary>
    public void Return(List<T> list)
    {
        // A list List grew itself has a capacity between classes, and a huge one would pin its memory: neither is kept.
        if (list.Capacity > maxKeptCapacity || !BitOperations.IsPow2(list.Capacity)) return;
        if (_keptItems + list.Capacity > maxKeptItems) return;
        _keptItems += list.Capacity;
        list.Clear();
        _free[BitOperations.Log2((uint)list.Capacity)].Push(list);
    }

    /// <summary><paramref name="list"/> with room for <paramref name="extra"/> more items: itself, or a larger
    /// pooled copy (the old list is returned).</summary>
    public List<T> EnsureRoom(List<T> list, int extra)
    {
        int needed = list.Count + extra;
        if (needed <= list.Capacity) return list;
        var bigger = Rent(Math.Max(needed, list.Capacity * 2), maxClimb: int.MaxValue);
        bigger.AddRange(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list));
        Return(list);
        return bigger;
    }
}

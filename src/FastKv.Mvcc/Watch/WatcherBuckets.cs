// Watchers that share a key or a range live in one list; each remembers its slot so removal
// swaps the last one in instead of shifting the list.
namespace FastKv.Mvcc.Watch;

internal static class WatcherBuckets
{
    public static void SwapRemove(List<Watcher> list, Watcher watcher)
    {
        int slot = watcher.IndexSlot;
        if ((uint)slot >= (uint)list.Count || !ReferenceEquals(list[slot], watcher))
            throw new InvalidOperationException("watcher is not in the bucket it claims");
        int last = list.Count - 1;
        if (slot != last)
        {
            var moved = list[last];
            list[slot] = moved;
            moved.IndexSlot = slot;
        }
        list.RemoveAt(last);
    }
}

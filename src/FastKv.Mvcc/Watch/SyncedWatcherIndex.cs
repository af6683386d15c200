// The watchers Publish feeds, looked up by an event's key: a hash map for single-key watchers
// and an interval structure for ranges (prefixes and from-key watches included).
namespace FastKv.Mvcc.Watch;

internal sealed class SyncedWatcherIndex
{
    private readonly Dictionary<byte[], List<Watcher>> _exact = new(KeyBytes.Comparer);
    private readonly Dictionary<byte[], List<Watcher>>.AlternateLookup<ReadOnlySpan<byte>> _exactBySpan;
    private readonly RangeWatcherIndex _ranges = new();

    public SyncedWatcherIndex() => _exactBySpan = _exact.GetAlternateLookup<ReadOnlySpan<byte>>();

    public int Count { get; private set; }

    public void Add(Watcher watcher)
    {
        if (watcher.RangeEnd is null)
        {
            if (!_exact.TryGetValue(watcher.Key, out var list))
            {
                list = [];
                _exact.Add(watcher.Key, list);
            }
            watcher.IndexSlot = list.Count;
            list.Add(watcher);
        }
        else
        {
            _ranges.Add(watcher);
        }
        Count++;
    }

    public void Remove(Watcher watcher)
    {
        if (watcher.RangeEnd is null)
        {
            if (!_exact.TryGetValue(watcher.Key, out var list)) return;
            WatcherBuckets.SwapRemove(list, watcher);
            if (list.Count == 0) _exact.Remove(watcher.Key);
        }
        else
        {
            _ranges.Remove(watcher);
        }
        Count--;
    }

    /// <summary>Adds every bucket whose watchers cover <paramref name="key"/> to <paramref name="into"/>.</summary>
    public void CollectCovering(ReadOnlySpan<byte> key, List<List<Watcher>> into)
    {
        if (_exact.Count > 0 && _exactBySpan.TryGetValue(key, out var list)) into.Add(list);
        _ranges.CollectContaining(key, into);
    }
}

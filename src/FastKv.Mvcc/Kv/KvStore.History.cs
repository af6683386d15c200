// The watch hub's view of the past: events of a revision span read back from the `key`
// bucket (tombstones become DELETE events carrying the key and their revision), and a key's
// value just before a revision for prev_kv.
using FastKv.Api;
using FastKv.Api.Mvccpb;

namespace FastKv.Mvcc.Kv;

public sealed partial class KvStore
{
    /// <inheritdoc />
    public void ReadEvents(long fromRevision, long toRevision, List<Event> into)
    {
        if (fromRevision > toRevision) return;
        if (fromRevision <= CompactRevision) throw EtcdErrors.Compacted();
        using var snap = TakeSnapshot(0, computeKeep: false);
        long to = Math.Min(toRevision, snap.Current);
        snap.ForEachRevision(fromRevision, to, (rev, key, value) =>
        {
            bool tomb = key.Length == Revision.TombstoneKeySize;
            var kv = StoredKeyValue.Parse(value);
            if (tomb)
            {
                kv.ModRevision = rev.Main;
                into.Add(new Event { Type = Event.Types.EventType.Delete, Kv = kv });
            }
            else into.Add(new Event { Type = Event.Types.EventType.Put, Kv = kv });
        });
    }

    /// <inheritdoc />
    public KeyValue? GetPrevious(ReadOnlySpan<byte> key, long revision)
    {
        _lock.EnterReadLock();
        try
        {
            var ki = _index.Get(key);
            if (ki is null || !ki.TryGet(revision - 1, out var rev, out _, out _)) return null;
            using var values = new ValueSource(this, applyThread: false);
            return StoredKeyValue.Parse(values.Get(rev));
        }
        finally { _lock.ExitReadLock(); }
    }
}

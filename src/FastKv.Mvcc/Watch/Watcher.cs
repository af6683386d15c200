// One watch on a stream: the key or range it covers, the event filters and options it was
// created with, and where it stands (fed live, catching up from history, or gone). The mutable
// fields belong to the hub and change only under its lock.
using FastKv.Api.Mvccpb;

namespace FastKv.Mvcc.Watch;

internal enum WatcherState
{
    /// <summary>Has every matching event up to the hub's revision in its stream; Publish feeds it.</summary>
    Synced,
    /// <summary>Behind: the catch-up task replays history from NextRevision.</summary>
    Unsynced,
    /// <summary>
    /// In the index while its last stretch of history is read: Publish holds its events in
    /// <see cref="Watcher.Held"/> until the history share is queued ahead of them.
    /// </summary>
    Syncing,
    /// <summary>Canceled, compacted or its stream closed; nothing more is queued for it.</summary>
    Removed,
}

internal sealed class Watcher
{
    public Watcher(WatchStream stream, long id, byte[] key, byte[]? rangeEnd, bool noPut, bool noDelete,
        bool prevKv, bool fragment, bool progressNotify)
    {
        Stream = stream;
        Id = id;
        Key = key;
        RangeEnd = rangeEnd;
        NoPut = noPut;
        NoDelete = noDelete;
        PrevKv = prevKv;
        Fragment = fragment;
        ProgressNotify = progressNotify;
    }

    public WatchStream Stream { get; }
    public long Id { get; }
    public byte[] Key { get; }

    /// <summary>Null: the single key <see cref="Key"/>. Empty: every key from <see cref="Key"/> on. Otherwise exclusive end.</summary>
    public byte[]? RangeEnd { get; }

    public bool NoPut { get; }
    public bool NoDelete { get; }
    public bool PrevKv { get; }
    public bool Fragment { get; }
    public bool ProgressNotify { get; }

    public WatcherState State;

    /// <summary>
    /// The lowest revision still owed to this watcher. Synced watchers keep their start here (so a
    /// watch on a future revision skips what comes before it); unsynced ones their catch-up point.
    /// </summary>
    public long NextRevision;

    /// <summary>Events Publish matched while the watcher was syncing, in revision order.</summary>
    public List<(long Revision, Event[] Events)>? Held;

    /// <summary>Position in the index bucket holding it, for O(1) removal.</summary>
    public int IndexSlot;

    /// <summary>Scratch of Publish: the revision last matched and how many of its events matched.</summary>
    public long MatchRevision;
    public int MatchCount;

    /// <summary>Events were queued since the last progress tick, so the tick's notification is not needed.</summary>
    public bool SentSinceProgressTick;

    public bool CoversKey(ReadOnlySpan<byte> key)
    {
        if (RangeEnd is null) return key.SequenceEqual(Key);
        return KeyBytes.Compare(key, Key) >= 0 && KeyBytes.EndsAfter(RangeEnd, key);
    }

    public bool AcceptsType(Event.Types.EventType type) =>
        type == Event.Types.EventType.Put ? !NoPut : !NoDelete;

    public bool Wants(Event ev) => AcceptsType(ev.Type) && CoversKey(ev.Kv.Key.Span);
}

// One queued item of a stream's output, kept small and allocation-free; the WatchResponse is
// built from it only when the server reads, on the server's thread rather than the apply thread.
using FastKv.Api.Mvccpb;

namespace FastKv.Mvcc.Watch;

internal enum OutboxEntryKind : byte
{
    Created,
    Canceled,
    Events,
    Progress,
}

internal readonly struct OutboxEntry
{
    private OutboxEntry(OutboxEntryKind kind, long watchId, long revision, Watcher? watcher, Event[]? events,
        long compactRevision, string? reason, Event? single = null)
    {
        Single = single;
        Kind = kind;
        WatchId = watchId;
        Revision = revision;
        Watcher = watcher;
        Events = events;
        CompactRevision = compactRevision;
        Reason = reason;
    }

    public OutboxEntryKind Kind { get; }
    public long WatchId { get; }

    /// <summary>The header revision: the revision the watch is synced to once this entry is read.</summary>
    public long Revision { get; }

    public Watcher? Watcher { get; }
    /// <summary>The events of an Events entry, unless the revision had exactly one for this watcher (then <see cref="Single"/>).</summary>
    public Event[]? Events { get; }

    /// <summary>
    /// The one event of an Events entry that has no array: most revisions are a single put or
    /// delete, and holding the shared event itself spares the fan-out an array per publish.
    /// </summary>
    public Event? Single { get; }

    /// <summary>The entry's events as an array (allocates for a single event; the message path's use).</summary>
    public Event[] EventArray() => Events ?? [Single!];
    public long CompactRevision { get; }
    public string? Reason { get; }

    public static OutboxEntry Created(long watchId, long revision) =>
        new(OutboxEntryKind.Created, watchId, revision, null, null, 0, null);

    /// <summary>A create request refused: etcd answers created and canceled at once, with the reason.</summary>
    public static OutboxEntry Refused(long watchId, long revision, string reason) =>
        new(OutboxEntryKind.Created, watchId, revision, null, null, 0, reason);

    public static OutboxEntry Canceled(long watchId, long revision, long compactRevision) =>
        new(OutboxEntryKind.Canceled, watchId, revision, null, null, compactRevision, null);

    public static OutboxEntry ForEvents(Watcher watcher, long revision, Event[] events) =>
        new(OutboxEntryKind.Events, watcher.Id, revision, watcher, events, 0, null);

    public static OutboxEntry ForEvent(Watcher watcher, long revision, Event single) =>
        new(OutboxEntryKind.Events, watcher.Id, revision, watcher, null, 0, null, single);

    public static OutboxEntry Progress(long watchId, long revision) =>
        new(OutboxEntryKind.Progress, watchId, revision, null, null, 0, null);
}

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
        long compactRevision, string? reason)
    {
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
    public Event[]? Events { get; }
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

    public static OutboxEntry Progress(long watchId, long revision) =>
        new(OutboxEntryKind.Progress, watchId, revision, null, null, 0, null);
}

// One client's Watch stream, as the server's gRPC handler drives it: requests in (Create,
// Cancel, RequestProgress, or Handle for a raw WatchRequest), responses out through
// WaitToReadAsync/TryRead in the order the client must see them. Responses are built here, on
// the reading thread: prev_kv lookups and fragmenting never run on the apply thread.
using System.Diagnostics.CodeAnalysis;
using FastKv.Api.Etcdserverpb;
using FastKv.Api.Mvccpb;
using Google.Protobuf;

namespace FastKv.Mvcc.Watch;

public sealed partial class WatchStream : IDisposable
{
    private readonly WatchHub _hub;

    // A response being sent in fragments: the rest of its events and where the next piece starts.
    private Watcher? _fragmenting;
    private Event[]? _fragmentEvents;
    private int[]? _fragmentSizes;
    private int _fragmentNext;
    private long _fragmentRevision;

    internal WatchStream(WatchHub hub, StreamOutbox outbox)
    {
        _hub = hub;
        Outbox = outbox;
    }

    internal StreamOutbox Outbox { get; }

    // The hub's, under its lock.
    internal readonly Dictionary<long, Watcher> Watchers = [];
    internal long NextAutoId;
    internal int UnsyncedCount;
    internal bool ProgressPending;
    internal bool Closed;

    /// <summary>
    /// Applies one request of the client's stream. A request with no known union case is ignored,
    /// as etcd does.
    /// </summary>
    public void Handle(WatchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        switch (request.RequestUnionCase)
        {
            case WatchRequest.RequestUnionOneofCase.CreateRequest:
                Create(request.CreateRequest);
                break;
            case WatchRequest.RequestUnionOneofCase.CancelRequest:
                Cancel(request.CancelRequest.WatchId);
                break;
            case WatchRequest.RequestUnionOneofCase.ProgressRequest:
                RequestProgress();
                break;
        }
    }

    /// <summary>
    /// Starts a watch and queues its created response (or a created+canceled refusal with etcd's
    /// reason). Returns the watch id, or -1 when refused.
    /// </summary>
    public long Create(WatchCreateRequest request) => _hub.CreateWatcher(this, request);

    /// <summary>
    /// Answers a create request the server refused before it reached the hub (permission denied:
    /// <see cref="FastKv.Api.EtcdErrors.WatchPermissionDeniedReason"/>) the way etcd does: created
    /// and canceled at once, with the watch id the client asked for and the reason given.
    /// </summary>
    public void Refuse(WatchCreateRequest request, string cancelReason)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(cancelReason);
        _hub.Refuse(this, request.WatchId, cancelReason);
    }

    /// <summary>Cancels a watch and queues its canceled response; false (and nothing queued) when the id is unknown.</summary>
    public bool Cancel(long watchId) => _hub.CancelWatcher(this, watchId);

    /// <summary>
    /// Queues a progress response (watch id -1, header revision = the revision every watch of the
    /// stream is synced to); deferred until any watch still catching up has caught up.
    /// </summary>
    public void RequestProgress() => _hub.RequestProgress(this);

    /// <summary>Waits until a response can be read; false once the stream is closed and drained.</summary>
    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) =>
        _fragmentEvents is not null ? ValueTask.FromResult(true) : Outbox.WaitToReadAsync(cancellationToken);

    /// <summary>The next response for the client, if one is ready. The server fills the header's other fields.</summary>
    public bool TryRead([NotNullWhen(true)] out WatchResponse? response)
    {
        if (_fragmentEvents is not null)
        {
            response = NextFragment();
            return true;
        }
        if (!TryTake(out var entry))
        {
            response = null;
            return false;
        }
        response = entry.Kind switch
        {
            OutboxEntryKind.Created => new WatchResponse
            {
                Header = Header(entry.Revision),
                WatchId = entry.WatchId,
                Created = true,
                Canceled = entry.Reason is not null,
                CancelReason = entry.Reason ?? "",
            },
            OutboxEntryKind.Canceled => new WatchResponse
            {
                Header = Header(entry.Revision),
                WatchId = entry.WatchId,
                Canceled = true,
                CompactRevision = entry.CompactRevision,
            },
            OutboxEntryKind.Progress => new WatchResponse { Header = Header(entry.Revision), WatchId = entry.WatchId },
            _ => EventsResponse(entry),
        };
        return true;
    }

    // Dequeues the next entry; taking an events entry may make room for a watcher catching up.
    private bool TryTake(out OutboxEntry entry)
    {
        if (!Outbox.TryDequeue(out entry)) return false;
        if (entry.Kind == OutboxEntryKind.Events && Volatile.Read(ref UnsyncedCount) > 0 && Outbox.HasRoom)
            _hub.SignalCatchUp();
        return true;
    }

    /// <summary>Reads every response until the stream closes or the token fires.</summary>
    public async IAsyncEnumerable<WatchResponse> ReadAllAsync(
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            while (TryRead(out var response))
                yield return response;
    }

    public void Dispose() => _hub.CloseStream(this);

    /// <summary>Discards what is queued without building responses (benchmarks isolate Publish with it).</summary>
    internal int DropQueued()
    {
        int dropped = 0;
        while (Outbox.TryDequeue(out _)) dropped++;
        return dropped;
    }

    private static ResponseHeader Header(long revision) => new() { Revision = revision };

    private WatchResponse EventsResponse(in OutboxEntry entry)
    {
        var watcher = entry.Watcher!;
        var events = watcher.PrevKv ? WithPrevious(entry.EventArray()) : entry.EventArray();
        if (watcher.Fragment && events.Length > 1)
        {
            var sizes = new int[events.Length];
            long total = BaseSize(watcher.Id, entry.Revision, fragment: false);
            for (int i = 0; i < events.Length; i++)
            {
                sizes[i] = EncodedSize(events[i]);
                total += sizes[i];
            }
            if (total >= _hub.Options.FragmentThreshold)
            {
                _fragmenting = watcher;
                _fragmentEvents = events;
                _fragmentSizes = sizes;
                _fragmentNext = 0;
                _fragmentRevision = entry.Revision;
                return NextFragment();
            }
        }
        var response = new WatchResponse { Header = Header(entry.Revision), WatchId = watcher.Id };
        response.Events.AddRange(events);
        return response;
    }

    /// <summary>
    /// The next piece of a fragmented response: at least one event, then more while the piece
    /// stays under the limit; every piece but the last is marked fragment.
    /// </summary>
    private WatchResponse NextFragment()
    {
        var events = _fragmentEvents!;
        var sizes = _fragmentSizes!;
        var watcher = _fragmenting!;
        long size = BaseSize(watcher.Id, _fragmentRevision, fragment: true);
        var response = new WatchResponse { Header = Header(_fragmentRevision), WatchId = watcher.Id };
        int i = _fragmentNext;
        do
        {
            response.Events.Add(events[i]);
            size += sizes[i];
            i++;
        } while (i < events.Length && size + sizes[i] < _hub.Options.FragmentThreshold);
        _fragmentNext = i;
        if (i < events.Length)
        {
            response.Fragment = true;
        }
        else
        {
            _fragmenting = null;
            _fragmentEvents = null;
            _fragmentSizes = null;
        }
        return response;
    }

    private static long BaseSize(long watchId, long revision, bool fragment) =>
        new WatchResponse { Header = Header(revision), WatchId = watchId, Fragment = fragment }.CalculateSize();

    /// <summary>An event's bytes inside the response: tag, length prefix, message.</summary>
    private static int EncodedSize(Event ev)
    {
        int size = ev.CalculateSize();
        return 1 + CodedOutputStream.ComputeLengthSize(size) + size;
    }

    /// <summary>
    /// Copies of the events carrying the key's previous version (events are shared between
    /// watchers, so they are not changed in place). A create has no previous version; a lookup
    /// that fails, e.g. because it was compacted meanwhile, leaves prev_kv unset, as in etcd.
    /// </summary>
    private Event[] WithPrevious(Event[] events)
    {
        var withPrevious = new Event[events.Length];
        for (int i = 0; i < events.Length; i++)
        {
            var ev = events[i];
            var previous = LookUpPrevious(ev);
            withPrevious[i] = previous is null ? ev : new Event { Type = ev.Type, Kv = ev.Kv, PrevKv = previous };
        }
        return withPrevious;
    }

    private KeyValue? LookUpPrevious(Event ev)
    {
        bool isCreate = ev.Type == Event.Types.EventType.Put && ev.Kv.CreateRevision == ev.Kv.ModRevision;
        if (isCreate) return null;
        try
        {
            return _hub.History.GetPrevious(ev.Kv.Key.Span, ev.Kv.ModRevision);
        }
        catch (FastKv.Api.EtcdException)
        {
            return null;
        }
    }
}

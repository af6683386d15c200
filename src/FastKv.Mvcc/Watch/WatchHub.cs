// The watch hub: every client watch of the member, fed by the key space's Publish on the apply
// thread. Watchers that are caught up ("synced") sit in a key index and get each revision's
// matching events queued straight into their stream; watchers that start in the past or whose
// stream stopped reading ("unsynced") are replayed from IWatchHistory by the catch-up task
// (WatchHub.CatchUp.cs) and rejoin the index once they reach the hub's revision.
//
// One lock orders everything that decides what a stream sees: Publish, create, cancel, the
// unsynced-to-synced move and progress answers. A watcher becomes synced only under that lock
// and only once it has everything up to the last published revision, so no revision is skipped
// or queued twice. The lock is held for queue writes only: the hub never calls into the key
// space under it, and history reads, prev_kv lookups and response building happen outside it.
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using FastKv.Api.Mvccpb;

namespace FastKv.Mvcc.Watch;

public sealed partial class WatchHub : IWatchEventSink, IDisposable, IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly IWatchHistory _history;
    private readonly SyncedWatcherIndex _synced = new();
    private readonly HashSet<Watcher> _unsynced = [];
    private readonly HashSet<WatchStream> _streams = [];
    private readonly Timer _progressTimer;
    private long _revision;
    private bool _disposed;

    // Publish's scratch, reused under the lock so matching allocates nothing.
    private readonly List<List<Watcher>> _matchedBuckets = [];
    private readonly List<Watcher> _touched = [];

    public WatchHub(IWatchHistory history, WatchHubOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        Options = options ?? new WatchHubOptions();
        Options.Validate();
        _history = history;
        _revision = history.CurrentRevision;
        _progressTimer = new Timer(static state => ((WatchHub)state!).NotifyProgress(), this,
            Options.ProgressNotifyInterval, Options.ProgressNotifyInterval);
        _catchUpLoop = Task.Run(RunCatchUpAsync);
    }

    internal WatchHubOptions Options { get; }

    internal IWatchHistory History => _history;

    /// <summary>The last revision published to the hub.</summary>
    public long Revision
    {
        get { lock (_gate) return _revision; }
    }

    /// <summary>Watchers currently behind and being caught up from history (for metrics and tests).</summary>
    public int UnsyncedCount
    {
        get { lock (_gate) return _unsynced.Count; }
    }

    /// <summary>Watchers currently fed live by Publish.</summary>
    public int SyncedCount
    {
        get { lock (_gate) return _synced.Count; }
    }

    /// <summary>One client's Watch stream; dispose it when the stream ends.</summary>
    public WatchStream OpenStream()
    {
        var stream = new WatchStream(this, new StreamOutbox(Options.StreamBufferLimit));
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _streams.Add(stream);
        }
        return stream;
    }

    public void Publish(long revision, IReadOnlyList<Event> events)
    {
        lock (_gate)
        {
            if (revision <= _revision) return;
            // A skipped revision would leave synced watchers with a hole; let history fill it.
            if (revision != _revision + 1) UnsyncAllFrom(_revision + 1);
            _revision = revision;
            if (_synced.Count == 0 || events.Count == 0) return;
            FanOut(revision, events);
        }
    }

    private void FanOut(long revision, IReadOnlyList<Event> events)
    {
        _touched.Clear();
        for (int i = 0; i < events.Count; i++)
        {
            var ev = events[i];
            _matchedBuckets.Clear();
            _synced.CollectCovering(ev.Kv.Key.Span, _matchedBuckets);
            foreach (var bucket in _matchedBuckets)
            {
                foreach (var watcher in bucket)
                {
                    if (!watcher.AcceptsType(ev.Type) || watcher.NextRevision > revision) continue;
                    if (watcher.MatchRevision != revision)
                    {
                        watcher.MatchRevision = revision;
                        watcher.MatchCount = 0;
                        _touched.Add(watcher);
                    }
                    watcher.MatchCount++;
                }
            }
        }
        if (_touched.Count == 0) return;

        // The list is only valid during the call; watchers that take every event share one copy,
        // and a one-event revision (most are) is queued as the event itself, with no array.
        Event[]? whole = null;
        foreach (var watcher in _touched)
        {
            OutboxEntry entry;
            if (watcher.MatchCount == 1 && events.Count == 1 && watcher.State != WatcherState.Syncing)
            {
                entry = OutboxEntry.ForEvent(watcher, revision, events[0]);
            }
            else
            {
                Event[] mine;
                if (watcher.MatchCount == events.Count)
                {
                    whole ??= Copy(events);
                    mine = whole;
                }
                else
                {
                    mine = Subset(events, watcher);
                }
                if (watcher.State == WatcherState.Syncing)
                {
                    (watcher.Held ??= []).Add((revision, mine));
                    continue;
                }
                entry = OutboxEntry.ForEvents(watcher, revision, mine);
            }
            if (watcher.Stream.Outbox.TryEnqueueEvents(entry))
                watcher.SentSinceProgressTick = true;
            else
                Unsync(watcher, revision);
        }
        _touched.Clear();
        _matchedBuckets.Clear();
    }

    private static Event[] Copy(IReadOnlyList<Event> events)
    {
        var copy = new Event[events.Count];
        for (int i = 0; i < copy.Length; i++) copy[i] = events[i];
        return copy;
    }

    private static Event[] Subset(IReadOnlyList<Event> events, Watcher watcher)
    {
        var mine = new Event[watcher.MatchCount];
        int n = 0;
        for (int i = 0; i < events.Count && n < mine.Length; i++)
            if (watcher.Wants(events[i])) mine[n++] = events[i];
        return mine;
    }

    internal long CreateWatcher(WatchStream stream, WatchCreateRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        // etcd's conventions: an empty key is "\0", the smallest key; range_end "\0" means every
        // key from key on; an empty range_end a single key.
        byte[] key = request.Key.IsEmpty ? [0] : request.Key.ToByteArray();
        byte[]? rangeEnd = request.RangeEnd.Length switch
        {
            0 => null,
            1 when request.RangeEnd[0] == 0 => [],
            _ => request.RangeEnd.ToByteArray(),
        };
        bool noPut = false, noDelete = false;
        foreach (var filter in request.Filters)
        {
            if (filter == WatchCreateRequest.Types.FilterType.Noput) noPut = true;
            else if (filter == WatchCreateRequest.Types.FilterType.Nodelete) noDelete = true;
        }

        // Read before taking the lock (the hub never calls into the key space while holding it);
        // a compaction after this read is caught by the catch-up before it reads.
        long compacted = _history.CompactRevision;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(stream.Closed, stream);
            var outbox = stream.Outbox;
            if (rangeEnd is { Length: > 0 } && KeyBytes.Compare(key, rangeEnd) >= 0)
            {
                outbox.EnqueueControl(OutboxEntry.Refused(-1, _revision, EtcdErrors.WatchRangeEmptyReason));
                return -1;
            }

            long id;
            if (request.WatchId == 0)
            {
                // 0 asks for an id: the lowest free one counting up from the last given.
                while (stream.Watchers.ContainsKey(stream.NextAutoId)) stream.NextAutoId++;
                id = stream.NextAutoId++;
            }
            else if (stream.Watchers.ContainsKey(request.WatchId))
            {
                outbox.EnqueueControl(OutboxEntry.Refused(-1, _revision, EtcdErrors.WatchDuplicateIdReason));
                return -1;
            }
            else
            {
                id = request.WatchId;
            }

            var watcher = new Watcher(stream, id, key, rangeEnd, noPut, noDelete, request.PrevKv, request.Fragment,
                request.ProgressNotify);
            outbox.EnqueueControl(OutboxEntry.Created(id, _revision));

            long start = request.StartRevision;
            if (start == 0 || start > _revision)
            {
                watcher.NextRevision = start == 0 ? _revision + 1 : start;
                watcher.State = WatcherState.Synced;
                stream.Watchers.Add(id, watcher);
                _synced.Add(watcher);
                return id;
            }

            // History starts at revision 1; a negative start means "from the beginning".
            start = Math.Max(start, 1);
            if (start <= compacted)
            {
                outbox.EnqueueControl(OutboxEntry.Canceled(id, _revision, compacted));
                return id;
            }
            watcher.NextRevision = start;
            watcher.State = WatcherState.Unsynced;
            stream.Watchers.Add(id, watcher);
            _unsynced.Add(watcher);
            stream.UnsyncedCount++;
            SignalCatchUp();
            return id;
        }
    }

    internal void Refuse(WatchStream stream, long watchId, string reason)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(stream.Closed, stream);
            stream.Outbox.EnqueueControl(OutboxEntry.Refused(watchId, _revision, reason));
        }
    }

    internal bool CancelWatcher(WatchStream stream, long watchId)
    {
        lock (_gate)
        {
            if (stream.Closed || !stream.Watchers.TryGetValue(watchId, out var watcher)) return false;
            Remove(watcher);
            stream.Outbox.EnqueueControl(OutboxEntry.Canceled(watchId, _revision, 0));
            AnswerPendingProgress(stream);
            return true;
        }
    }

    internal void RequestProgress(WatchStream stream)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(stream.Closed, stream);
            // The answer claims every watcher of the stream has all events up to the revision,
            // so it waits while any of them is still catching up.
            if (stream.UnsyncedCount == 0)
                stream.Outbox.EnqueueControl(OutboxEntry.Progress(-1, _revision));
            else
                stream.ProgressPending = true;
        }
    }

    internal void CloseStream(WatchStream stream)
    {
        lock (_gate)
        {
            if (stream.Closed) return;
            stream.Closed = true;
            foreach (var watcher in stream.Watchers.Values.ToArray()) Remove(watcher);
            _streams.Remove(stream);
        }
        stream.Outbox.Complete();
    }

    /// <summary>
    /// Drops a watcher from wherever it is. The caller queues what the client should hear, then
    /// answers a pending progress request (which must come after the cancel).
    /// </summary>
    private void Remove(Watcher watcher)
    {
        var stream = watcher.Stream;
        if (watcher.State == WatcherState.Synced)
        {
            _synced.Remove(watcher);
        }
        else if (watcher.State is WatcherState.Unsynced or WatcherState.Syncing)
        {
            if (watcher.State == WatcherState.Syncing) _synced.Remove(watcher);
            _unsynced.Remove(watcher);
            stream.UnsyncedCount--;
        }
        watcher.State = WatcherState.Removed;
        watcher.Held = null;
        stream.Watchers.Remove(watcher.Id);
    }

    private void Unsync(Watcher watcher, long fromRevision)
    {
        _synced.Remove(watcher);
        watcher.State = WatcherState.Unsynced;
        watcher.NextRevision = Math.Max(watcher.NextRevision, fromRevision);
        _unsynced.Add(watcher);
        watcher.Stream.UnsyncedCount++;
        SignalCatchUp();
    }

    /// <summary>A syncing watcher (already in the index, held events queued) becomes synced.</summary>
    private void Sync(Watcher watcher)
    {
        _unsynced.Remove(watcher);
        watcher.State = WatcherState.Synced;
        watcher.Stream.UnsyncedCount--;
        AnswerPendingProgress(watcher.Stream);
    }

    /// <summary>A syncing watcher leaves the index again; the catch-up resumes from its NextRevision.</summary>
    private void BackToUnsynced(Watcher watcher)
    {
        _synced.Remove(watcher);
        watcher.State = WatcherState.Unsynced;
        watcher.Held = null;
    }

    private void UnsyncAllFrom(long fromRevision)
    {
        foreach (var stream in _streams)
        {
            foreach (var watcher in stream.Watchers.Values)
            {
                if (watcher.State == WatcherState.Synced) Unsync(watcher, fromRevision);
                // Its held events now have a hole too.
                else if (watcher.State == WatcherState.Syncing) BackToUnsynced(watcher);
            }
        }
    }

    private void AnswerPendingProgress(WatchStream stream)
    {
        if (stream.UnsyncedCount != 0 || !stream.ProgressPending || stream.Closed) return;
        stream.ProgressPending = false;
        stream.Outbox.EnqueueControl(OutboxEntry.Progress(-1, _revision));
    }

    /// <summary>
    /// The periodic progress notification: a synced watcher that asked for it and got no events
    /// since the last tick hears the revision it is synced to.
    /// </summary>
    internal void NotifyProgress()
    {
        lock (_gate)
        {
            if (_disposed) return;
            foreach (var stream in _streams)
            {
                foreach (var watcher in stream.Watchers.Values)
                {
                    if (!watcher.ProgressNotify) continue;
                    if (watcher.State == WatcherState.Synced && !watcher.SentSinceProgressTick && stream.Outbox.HasRoom)
                        stream.Outbox.EnqueueControl(OutboxEntry.Progress(watcher.Id, _revision));
                    watcher.SentSinceProgressTick = false;
                }
            }
        }
    }

    public void Dispose()
    {
        WatchStream[] streams;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            streams = [.. _streams];
        }
        _progressTimer.Dispose();
        _stopping.Cancel();
        foreach (var stream in streams) CloseStream(stream);
    }

    /// <summary>Disposes and waits for a catch-up round in flight, so the history is no longer read afterwards.</summary>
    public async ValueTask DisposeAsync()
    {
        Dispose();
        await _catchUpLoop.ConfigureAwait(false);
    }
}

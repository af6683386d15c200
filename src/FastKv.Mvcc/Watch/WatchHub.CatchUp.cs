// Catching up unsynced watchers from history. One background task runs rounds: pick the
// unsynced watchers whose stream has room, cancel those whose next revision was compacted away,
// read the history they need once for all of them (never under the hub lock, so a key space
// that holds its own lock while publishing cannot deadlock with it), queue each its share, and
// bring back into the index those that reached the hub's revision.
//
// Reaching the revision while Publish keeps going: when a round's read will end at the hub's
// revision, its watchers enter the index first in the Syncing state, where Publish holds their
// live events aside instead of queueing them. After the read, under the lock, each gets its
// history share and then the held events, in revision order, and is synced; nothing published
// in between is missed or queued twice.
using FastKv.Api.Mvccpb;

namespace FastKv.Mvcc.Watch;

public sealed partial class WatchHub
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _catchUpSignal = new(0);
    private readonly Task _catchUpLoop;
    private int _catchUpWanted;

    // Owned by the catch-up task alone.
    private readonly List<Watcher> _candidates = [];
    private readonly List<Event> _historyEvents = [];
    private readonly List<Event[]> _shares = [];
    private readonly List<Event> _share = [];

    /// <summary>The last error the history raised during catch-up, if any (the round is retried).</summary>
    public Exception? LastCatchUpError { get; private set; }

    internal void SignalCatchUp()
    {
        if (Interlocked.Exchange(ref _catchUpWanted, 1) == 0) _catchUpSignal.Release();
    }

    private async Task RunCatchUpAsync()
    {
        var stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            bool again;
            try
            {
                again = CatchUpRound();
                LastCatchUpError = null;
            }
            catch (Exception error) when (!stopping.IsCancellationRequested)
            {
                // The history failed for a reason other than compaction; keep the watchers and
                // retry on the next tick rather than lose them.
                LastCatchUpError = error;
                lock (_gate) RevertSyncing();
                again = false;
            }
            if (again) continue;
            // With every watcher synced there is nothing to retry: sleep until a signal rather
            // than tick (each timed wait allocates a timer, ~1.4 KB a second for an idle hub).
            bool idle;
            lock (_gate) idle = _unsynced.Count == 0 && LastCatchUpError is null;
            try
            {
                if (idle) await _catchUpSignal.WaitAsync(stopping).ConfigureAwait(false);
                else await _catchUpSignal.WaitAsync(Options.CatchUpInterval, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            Interlocked.Exchange(ref _catchUpWanted, 0);
        }
    }

    /// <summary>One round; true when it made progress and more work is ready.</summary>
    internal bool CatchUpRound()
    {
        _candidates.Clear();
        long compacted = _history.CompactRevision;
        long from = long.MaxValue;
        long end;
        lock (_gate)
        {
            if (_unsynced.Count == 0 || _disposed) return false;
            long target = _revision;
            foreach (var watcher in _unsynced)
                if (watcher.Stream.Outbox.HasRoom) _candidates.Add(watcher);
            int kept = 0;
            for (int i = 0; i < _candidates.Count; i++)
            {
                var watcher = _candidates[i];
                if (watcher.NextRevision <= compacted)
                {
                    // What it still needs is gone: etcd cancels it with the compact revision so
                    // the client can re-list and watch again.
                    Remove(watcher);
                    watcher.Stream.Outbox.EnqueueControl(OutboxEntry.Canceled(watcher.Id, _revision, compacted));
                    AnswerPendingProgress(watcher.Stream);
                    continue;
                }
                _candidates[kept++] = watcher;
                from = Math.Min(from, watcher.NextRevision);
            }
            _candidates.RemoveRange(kept, _candidates.Count - kept);
            if (_candidates.Count == 0) return false;

            end = from > target ? target : Math.Min(target, from + Options.MaxRevisionsPerCatchUp - 1);
            if (end == target)
            {
                foreach (var watcher in _candidates)
                {
                    watcher.State = WatcherState.Syncing;
                    _synced.Add(watcher);
                }
            }
        }

        if (!ReadHistory(from, end))
        {
            // Compaction overtook the read; the next round cancels whoever it hit.
            lock (_gate) RevertSyncing();
            return true;
        }
        Share(end);
        lock (_gate) return Deliver(end);
    }

    /// <summary>Reads [from, to] into the scratch list; false when compaction got there first.</summary>
    private bool ReadHistory(long from, long to)
    {
        _historyEvents.Clear();
        if (from > to) return true;
        try
        {
            _history.ReadEvents(from, to, _historyEvents);
        }
        catch (Exception) when (_history.CompactRevision >= from)
        {
            _historyEvents.Clear();
            return false;
        }
        // Compaction racing the read may have cut it short.
        if (_history.CompactRevision >= from)
        {
            _historyEvents.Clear();
            return false;
        }
        return true;
    }

    /// <summary>Splits the events read into each candidate's share (its range, filters and start).</summary>
    private void Share(long to)
    {
        _shares.Clear();
        foreach (var watcher in _candidates)
        {
            _share.Clear();
            long next = watcher.NextRevision;
            foreach (var ev in _historyEvents)
            {
                long revision = ev.Kv.ModRevision;
                if (revision < next || revision > to) continue;
                if (watcher.Wants(ev)) _share.Add(ev);
            }
            _shares.Add(_share.Count == 0 ? [] : [.. _share]);
        }
    }

    /// <summary>Queues the shares and held events (hub lock held); true when another round can make progress now.</summary>
    private bool Deliver(long to)
    {
        bool progressed = false;
        for (int i = 0; i < _candidates.Count; i++)
        {
            var watcher = _candidates[i];
            // Canceled, closed or knocked back while the history was read.
            if (watcher.State is WatcherState.Removed or WatcherState.Synced) continue;
            if (watcher.NextRevision <= to)
            {
                var share = _shares[i];
                if (share.Length > 0 && !watcher.Stream.Outbox.TryEnqueueEvents(OutboxEntry.ForEvents(watcher, to, share)))
                {
                    if (watcher.State == WatcherState.Syncing) BackToUnsynced(watcher);
                    continue;
                }
                if (share.Length > 0) watcher.SentSinceProgressTick = true;
                watcher.NextRevision = to + 1;
                progressed = true;
            }
            if (watcher.State == WatcherState.Syncing && FlushHeld(watcher))
            {
                Sync(watcher);
                progressed = true;
            }
        }
        _candidates.Clear();
        _shares.Clear();
        return progressed && _unsynced.Count > 0;
    }

    /// <summary>Queues what Publish held for a syncing watcher; false (and back to unsynced) if the stream filled up.</summary>
    private bool FlushHeld(Watcher watcher)
    {
        var held = watcher.Held;
        watcher.Held = null;
        if (held is null) return true;
        foreach (var (revision, events) in held)
        {
            if (!watcher.Stream.Outbox.TryEnqueueEvents(OutboxEntry.ForEvents(watcher, revision, events)))
            {
                watcher.NextRevision = revision;
                BackToUnsynced(watcher);
                return false;
            }
            watcher.SentSinceProgressTick = true;
            watcher.NextRevision = revision + 1;
        }
        return true;
    }

    /// <summary>Every syncing watcher leaves the index again, keeping its catch-up point (hub lock held).</summary>
    private void RevertSyncing()
    {
        foreach (var watcher in _candidates)
            if (watcher.State == WatcherState.Syncing) BackToUnsynced(watcher);
        _candidates.Clear();
        _shares.Clear();
    }
}

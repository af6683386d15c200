// Catching up unsynced watchers from history. One background task runs rounds: pick the
// unsynced watchers whose stream has room, cancel those whose next revision was compacted away,
// read the history they need once for all of them, queue each its share, and move to the index
// those that reached the hub's revision. Large gaps are read without the hub lock (Publish keeps
// running; the watcher just needs another round); the last short stretch is read under the lock
// so the move to synced cannot miss a revision published meanwhile.
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
                again = false;
            }
            if (again) continue;
            try
            {
                await _catchUpSignal.WaitAsync(Options.CatchUpInterval, stopping).ConfigureAwait(false);
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
        long target;
        long from = long.MaxValue;
        lock (_gate)
        {
            if (_unsynced.Count == 0 || _disposed) return false;
            target = _revision;
            long compacted = _history.CompactRevision;
            foreach (var watcher in _unsynced)
            {
                if (!watcher.Stream.Outbox.HasRoom) continue;
                _candidates.Add(watcher);
            }
            if (_candidates.Count == 0) return false;
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
            if (_candidates.Count == 0) return _unsynced.Count > 0;

            int locked = Options.LockedCatchUpRevisions;
            if (target - from < locked)
            {
                long to = Math.Min(_revision, from + 2L * locked - 1);
                if (!ReadHistory(from, to)) return true;
                Share(to);
                return Deliver(to);
            }
        }

        long end = Math.Min(target, from + Options.MaxRevisionsPerCatchUp - 1);
        if (!ReadHistory(from, end)) return true;
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
        // Compaction racing the read may have cut it short; the next round cancels whoever it hit.
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

    /// <summary>Queues the shares (hub lock held); true when another round can make progress now.</summary>
    private bool Deliver(long to)
    {
        bool progressed = false;
        for (int i = 0; i < _candidates.Count; i++)
        {
            var watcher = _candidates[i];
            // Canceled or closed while the history was read.
            if (watcher.State != WatcherState.Unsynced) continue;
            if (watcher.NextRevision <= to)
            {
                var share = _shares[i];
                if (share.Length > 0)
                {
                    if (!watcher.Stream.Outbox.TryEnqueueEvents(OutboxEntry.ForEvents(watcher, to, share))) continue;
                    watcher.SentSinceProgressTick = true;
                }
                watcher.NextRevision = to + 1;
                progressed = true;
            }
            if (watcher.NextRevision > _revision) Sync(watcher);
        }
        _candidates.Clear();
        _shares.Clear();
        return progressed && _unsynced.Count > 0;
    }
}

// Group commit and the I/O behind it. One thread at a time is the flusher: it takes the whole pending
// buffer, writes it (switching to the preallocated spare at each cut), fdatasyncs once, and releases
// everyone whose bytes that sync covered. A synchronous caller (raft's Save) that finds no flush running
// does the flush itself, with no thread hand-off on the latency path; one that finds a flush running
// waits for it. Async callers park a pooled waiter and leave the I/O to a dedicated flush thread, so
// thread-pool threads never block in fdatasync. A synchronous flusher whose own data is durable hands
// further rounds to that thread instead of keeping its caller hostage.
using System.Diagnostics;

namespace FastKv.Wal;

public sealed partial class WriteAheadLog
{
    private void WaitDurable(long ticket)
    {
        lock (_gate)
        {
            if (ticket > _requested)
                _requested = ticket;
            while (_durable < ticket)
            {
                ThrowIfFaultedLocked();
                if (!_flushing)
                {
                    _flushing = true;
                    goto lead;
                }
                Monitor.Wait(_gate);
            }
            return;
        }
    lead:
        RunFlushLoop(ticket, isWorker: false);
    }

    /// <summary>Flush rounds until nothing more is requested; a caller-driven loop stops once its own ticket is durable.</summary>
    private void RunFlushLoop(long ownTicket, bool isWorker)
    {
        while (true)
        {
            long target;
            lock (_gate)
            {
                (_pending, _flushBuffer) = (_flushBuffer, _pending);
                (_pendingCuts, _flushCuts) = (_flushCuts, _pendingCuts);
                target = _appended;
            }

            Exception? error = null;
            try
            {
                WriteBatch(_flushBuffer, _flushCuts);
            }
            catch (Exception e)
            {
                error = e;
            }
            _flushBuffer.Clear();
            _flushCuts.Clear();

            lock (_gate)
            {
                if (error is not null)
                {
                    // After a failed write or fdatasync the page cache state is unknown (the kernel may have
                    // dropped the dirty pages), so no later sync could vouch for this data: stop for good.
                    _fault = error;
                    _flushing = false;
                    FailWaitersLocked(error);
                    Monitor.PulseAll(_gate);
                    if (isWorker)
                        return;
                    throw new IOException("WAL write failed: " + error.Message, error);
                }
                _durable = target;
                if (_waiters.TryPeek(out var first) && first.Ticket <= target)
                {
                    var batch = CompletionBatch.Rent(_completionPool);
                    while (_waiters.TryPeek(out var waiter) && waiter.Ticket <= target)
                        batch.Add(_waiters.Dequeue());
                    batch.Dispatch();
                }
                Monitor.PulseAll(_gate);
                if (_requested <= _durable)
                {
                    _flushing = false;
                    return;
                }
                if (!isWorker && ownTicket <= _durable)
                {
                    FlushThreadLocked().Signal(); // ownership (_flushing) passes to the flush thread
                    return;
                }
            }
        }
    }

    private void FailWaitersLocked(Exception error)
    {
        if (_waiters.Count == 0)
            return;
        var batch = CompletionBatch.Rent(_completionPool);
        while (_waiters.TryDequeue(out var waiter))
            batch.Add(waiter);
        batch.Dispatch(error);
    }

    /// <summary>Writes a batch: the part before each cut to the old segment, the rest to the new one, then syncs.</summary>
    private void WriteBatch(WriteBuffer batch, List<PendingCut> cuts)
    {
        var data = batch.Written;
        if (data.IsEmpty && cuts.Count == 0)
            return;
        int position = 0;
        List<SegmentFile>? toRename = null;
        foreach (var cut in cuts)
        {
            WriteRegion(data[position..cut.BufferPosition]);
            position = cut.BufferPosition;
            // Close out the full segment: drop its unused preallocation and make that durable.
            _tail.Truncate(_tailOffset);
            TimedSync(_tail);
            var spare = _preallocator.Take();
            lock (_segmentsLock)
                _segments.Add((cut.Name, spare));
            (toRename ??= new()).Add(spare);
            _tail = spare;
            _tailOffset = 0;
            Interlocked.Increment(ref _cuts);
        }
        WriteRegion(data[position..]);
        TimedSync(_tail);
        if (toRename is null)
            return;
        // The new segments' opening records are durable; only now give them their real names.
        lock (_segmentsLock)
            foreach (var (name, file) in _segments)
                if (toRename.Contains(file))
                    file.RenameTo(Path.Combine(_directory, name.FileName));
        NativeIo.SyncDirectory(_directory);
    }

    /// <summary>Writes to the tail, syncing between chunks so a crash never leaves more than MaxUnsyncedBytes unsynced.</summary>
    private void WriteRegion(ReadOnlySpan<byte> region)
    {
        while (!region.IsEmpty)
        {
            int count = Math.Min(region.Length, WalScanner.MaxUnsyncedBytes);
            _tail.Write(region[..count], _tailOffset);
            _tailOffset += count;
            Interlocked.Add(ref _bytesWritten, count);
            region = region[count..];
            if (!region.IsEmpty)
                TimedSync(_tail);
        }
    }

    private void TimedSync(SegmentFile file)
    {
        long start = Stopwatch.GetTimestamp();
        file.DataSync();
        Interlocked.Increment(ref _syncs);
        _options.SyncCompleted?.Invoke(Stopwatch.GetElapsedTime(start));
    }

    private FlushThread FlushThreadLocked() => _flushThread ??= new FlushThread(this);

    /// <summary>
    /// The thread that flushes for async callers. It runs one flush loop per signal; whoever signals has
    /// set _flushing and hands that ownership over with the signal.
    /// </summary>
    private sealed class FlushThread
    {
        private readonly WriteAheadLog _log;
        private readonly SemaphoreSlim _signal = new(0);
        private readonly Thread _thread;
        private volatile bool _stop;

        public FlushThread(WriteAheadLog log)
        {
            _log = log;
            _thread = new Thread(Run) { IsBackground = true, Name = "wal-flush" };
            _thread.Start();
        }

        public void Signal() => _signal.Release();

        public void Stop()
        {
            _stop = true;
            _signal.Release();
            _thread.Join();
            _signal.Dispose();
        }

        private void Run()
        {
            while (true)
            {
                _signal.Wait();
                if (_stop)
                    return;
                _log.RunFlushLoop(0, isWorker: true);
            }
        }
    }
}

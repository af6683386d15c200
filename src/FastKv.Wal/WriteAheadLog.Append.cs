// Appending: raft's Save (hard state + entries, synced when etcd's rule says so), snapshot markers,
// explicit Sync, and ProposeAsync, the group-commit entry point for many concurrent writers.
namespace FastKv.Wal;

public sealed partial class WriteAheadLog
{
    /// <summary>
    /// Appends entries then the hard state. Returns once they are durable when that is required: entries
    /// were written or the term or vote changed. A commit-index-only change is left for the next sync.
    /// </summary>
    public void Save(in HardState state, ReadOnlySpan<RaftEntry> entries)
    {
        if (state.IsEmpty && entries.IsEmpty)
            return;
        foreach (ref readonly var entry in entries)
            CheckEntrySize(entry); // all or nothing: refuse the batch before any of it is encoded
        long ticket;
        bool mustSync;
        lock (_gate)
        {
            ThrowIfUnusableLocked();
            mustSync = HardState.MustSync(state, _state, entries.Length);
            foreach (ref readonly var entry in entries)
                AppendEntryLocked(entry);
            if (!state.IsEmpty)
            {
                Advance(_encoder.EncodeState(_pending, state));
                _state = state;
            }
            CutIfFullLocked();
            ticket = _appended;
        }
        if (mustSync)
            WaitDurable(ticket);
    }

    /// <summary>Records that a raft snapshot at (index, term) was taken, and syncs.</summary>
    public void SaveSnapshot(WalSnapshot snapshot)
    {
        long ticket;
        lock (_gate)
        {
            ThrowIfUnusableLocked();
            Advance(_encoder.EncodeSnapshot(_pending, snapshot));
            if (_lastIndex < snapshot.Index)
                _lastIndex = snapshot.Index;
            CutIfFullLocked();
            ticket = _appended;
        }
        WaitDurable(ticket);
    }

    /// <summary>Makes everything appended so far durable.</summary>
    public void Sync()
    {
        long ticket;
        lock (_gate)
        {
            ThrowIfFaultedLocked();
            ticket = _appended;
        }
        WaitDurable(ticket);
    }

    /// <summary>
    /// Group commit: appends one normal entry at the next index with <paramref name="term"/> and completes
    /// with that index once an fdatasync covering it has returned. Concurrent callers share syncs. The I/O
    /// always runs on the WAL's flush thread, never on the caller's: an earlier version flushed inline for a
    /// lone caller (saving two thread hand-offs), but on a starved thread pool that locked into one sync
    /// per proposal. A single writer that needs the lowest latency uses <see cref="Save"/>, which flushes
    /// on its own thread.
    /// </summary>
    public ValueTask<ulong> ProposeAsync(ulong term, ReadOnlyMemory<byte> data)
    {
        DurabilityWaiter waiter;
        long ticket;
        ulong index;
        CheckEntrySize(new RaftEntry(term, 0, data));
        lock (_gate)
        {
            ThrowIfUnusableLocked();
            index = _lastIndex + 1;
            AppendEntryLocked(new RaftEntry(term, index, EntryType.Normal, data));
            CutIfFullLocked();
            ticket = _appended;
            if (ticket > _requested)
                _requested = ticket;
            waiter = _waiterPool.Rent();
            waiter.Ticket = ticket;
            waiter.Index = index;
            _waiters.Enqueue(waiter);
            if (!_flushing)
            {
                _flushing = true;
                FlushThreadLocked().Signal();
            }
        }
        return new ValueTask<ulong>(waiter, waiter.Version);
    }

    private static void CheckEntrySize(in RaftEntry entry)
    {
        int size = entry.EncodedSize;
        if (size > WalScanner.MaxRecordBytes - WalRecord.MaxHeaderSize)
            throw new ArgumentException($"entry {entry.Index} is {size} bytes; the WAL's record limit is {WalScanner.MaxRecordBytes}");
    }

    private void AppendEntryLocked(in RaftEntry entry)
    {
        Advance(_encoder.EncodeEntry(_pending, entry));
        _lastIndex = entry.Index;
    }

    private void Advance(int bytes)
    {
        _segmentOffset += bytes;
        _appended += bytes;
    }

    /// <summary>
    /// Past the segment size, the next records go to a new segment named after the next index. Its
    /// opening records (crc, metadata, hard state) are encoded now; the file switch happens at flush.
    /// </summary>
    private void CutIfFullLocked()
    {
        if (_segmentOffset < _options.SegmentBytes)
            return;
        _sequence++;
        _pendingCuts.Add(new PendingCut(_pending.Length, new SegmentName(_sequence, _lastIndex + 1)));
        _segmentOffset = 0;
        Advance(_encoder.EncodeCrc(_pending));
        Advance(_encoder.EncodeMetadata(_pending, _metadata));
        if (!_state.IsEmpty)
            Advance(_encoder.EncodeState(_pending, _state));
    }

    private void ThrowIfUnusableLocked() => ThrowIfFaultedLocked();

    private void ThrowIfFaultedLocked()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_fault is not null)
            throw new IOException("the WAL failed earlier and accepts no more writes: " + _fault.Message, _fault);
    }
}

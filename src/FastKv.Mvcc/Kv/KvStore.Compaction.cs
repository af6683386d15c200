// Compaction: forgetting history at or below a revision. The index is compacted at once (in
// slices, so readers wait at most one slice); the page file's old revisions are removed by the
// apply thread in small batches (Backend runs CompactStep on every CommitIfDue), so no read or
// write waits for the sweep. scheduledCompactRev is written when a compaction starts and
// finishedCompactRev when its sweep ends; a store opened between the two resumes the sweep.
// The job, its kept set and the sweep's scratch are reused, so a compaction nobody waits for
// (ApplyCompact) allocates nothing once warm: with history bounded by periodic compaction the
// apply path stays allocation-free.
using FastKv.Api;
using FastKv.Mvcc.Storage;

namespace FastKv.Mvcc.Kv;

public sealed partial class KvStore
{
    private const int IndexCompactionSlice = 10_000;
    /// <summary>Page-file deletes per sweep step (etcd's compaction batch limit).</summary>
    public int CompactionBatchLimit { get; set; } = 1000;

    private CompactionJob? _compaction;
    private CompactionJob? _spareJob;
    private readonly List<byte[]> _emptiedKeys = [];
    private readonly List<(Revision Rev, bool Tombstone)> _doomed = [];
    // The sweep's cursor, moved to each batch's bucket rather than made anew.
    private FastKv.Bolt.Cursor? _sweepCursor;
    private readonly List<TaskCompletionSource> _compactionsAwaitingCommit = [];
    private readonly List<TaskCompletionSource> _compactionsCommitting = [];

    /// <summary>True while a physical sweep has work left.</summary>
    public bool CompactionPending => _compaction is not null;

    /// <summary>
    /// Compacts history at or below <paramref name="revision"/> (apply thread). Reads below it
    /// fail from now on; the returned task completes when the page file no longer holds the
    /// removed revisions and that state is committed.
    /// </summary>
    public Task Compact(long revision)
    {
        if (!CheckCompaction(revision)) return Task.CompletedTask;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ScheduleCompaction(revision, persist: true, done);
        return done.Task;
    }

    /// <summary>
    /// Compacts exactly as <see cref="Compact(long)"/> does, for a caller that does not wait for
    /// the physical sweep (periodic auto-compaction, a request without `physical`): allocates
    /// nothing once warm.
    /// </summary>
    public void ApplyCompact(long revision)
    {
        if (CheckCompaction(revision)) ScheduleCompaction(revision, persist: true, done: null);
    }

    // False when there is nothing to do; throws etcd's errors for a bad revision.
    private bool CheckCompaction(long revision)
    {
        // A key space never compacted accepts revision 0 (nothing to do), as etcd's does.
        if (revision == 0 && CompactRevision == 0) return false;
        if (revision <= CompactRevision) throw EtcdErrors.Compacted();
        if (revision > CurrentRevision) throw EtcdErrors.FutureRevision();
        return true;
    }

    private void ScheduleCompaction(long revision, bool persist, TaskCompletionSource? done)
    {
        if (persist)
        {
            Span<byte> v = stackalloc byte[Revision.KeySize];
            new Revision(revision, 0).Write(v);
            _backend.Put(BucketNames.Meta, MetaKeys.ScheduledCompactRev, v);
        }
        Volatile.Write(ref _compactRevision, revision);
        var job = _spareJob ?? new CompactionJob();
        _spareJob = null;
        job.Reset(revision);
        CompactIndex(revision, job.Keep);
        // A newer compaction's sweep removes everything an older one would have.
        if (_compaction is { } older)
        {
            job.Waiters.AddRange(older.Waiters);
            Recycle(older);
        }
        if (done is not null) job.Waiters.Add(done);
        _compaction = job;
    }

    private void Recycle(CompactionJob job)
    {
        job.Reset(0);
        _spareJob = job;
    }

    private void CompactIndex(long revision, HashSet<Revision> keep)
    {
        var emptied = _emptiedKeys;
        emptied.Clear();
        byte[]? resumeAfter = null;
        while (true)
        {
            int n = 0;
            _lock.EnterWriteLock();
            try
            {
                var pos = _index.Seek(resumeAfter ?? []);
                while (n < IndexCompactionSlice && _index.Next(ref pos, out var ki))
                {
                    if (resumeAfter is not null && ki.Key.AsSpan().SequenceEqual(resumeAfter)) continue;
                    ki.Compact(revision, keep, apply: true);
                    if (ki.IsEmpty) emptied.Add(ki.Key);
                    resumeAfter = ki.Key;
                    n++;
                }
                foreach (var k in emptied) _index.Remove(k);
                emptied.Clear();
            }
            finally { _lock.ExitWriteLock(); }
            if (n < IndexCompactionSlice) return;
        }
    }

    /// <summary>
    /// Removes the next batch of compacted revisions from the page file (apply thread);
    /// returns true while more remain. Backend.CommitIfDue calls it; tests and shutdown may too.
    /// </summary>
    public bool CompactStep()
    {
        var job = _compaction;
        if (job is null) return false;
        var cursor = _sweepCursor = _backend.BatchBucket(BucketNames.Key).Cursor(_sweepCursor);
        bool found = job.TryGetResumeAt(out var resumeAt) ? cursor.Seek(resumeAt, out var k, out _) : cursor.First(out k, out _);
        // Revisions rather than copies of their keys: the key is re-encoded for the delete.
        var doomed = _doomed;
        doomed.Clear();
        int examined = 0;
        bool finished = false;
        while (true)
        {
            if (!found || !Revision.TryParse(k, out var rev, out bool tombstone) || rev.Main > job.Revision) { finished = true; break; }
            if (doomed.Count >= CompactionBatchLimit || examined >= CompactionBatchLimit * 10)
            {
                job.SetResumeAt(k);
                break;
            }
            examined++;
            if (!job.Keep.Contains(rev)) doomed.Add((rev, tombstone));
            found = cursor.Next(out k, out _);
        }
        Span<byte> key = stackalloc byte[Revision.TombstoneKeySize];
        foreach (var (rev, tombstone) in doomed)
            _backend.Delete(BucketNames.Key, key[..rev.Write(key, tombstone)]);
        doomed.Clear();
        if (!finished) return true;

        Span<byte> v = stackalloc byte[Revision.KeySize];
        new Revision(job.Revision, 0).Write(v);
        _backend.Put(BucketNames.Meta, MetaKeys.FinishedCompactRev, v);
        _compactionsAwaitingCommit.AddRange(job.Waiters);
        _compaction = null;
        Recycle(job);
        return false;
    }

    /// <summary>Runs the sweep to its end and commits (tests, shutdown); apply thread.</summary>
    public void FinishCompaction()
    {
        while (CompactStep()) { }
        _backend.Commit();
    }

    private void CompleteCommittedCompactions()
    {
        if (_compactionsAwaitingCommit.Count == 0) return;
        _compactionsCommitting.AddRange(_compactionsAwaitingCommit);
        _compactionsAwaitingCommit.Clear();
        foreach (var w in _compactionsCommitting) w.TrySetResult();
        _compactionsCommitting.Clear();
    }

    private void CancelCompactionWaiters()
    {
        if (_compaction is not null)
            foreach (var w in _compaction.Waiters) w.TrySetCanceled();
        foreach (var w in _compactionsAwaitingCommit) w.TrySetCanceled();
        _compactionsAwaitingCommit.Clear();
    }
}

// Compaction: forgetting history at or below a revision. The index is compacted at once (in
// slices, so readers wait at most one slice); the page file's old revisions are removed by the
// apply thread in small batches (Backend runs CompactStep on every CommitIfDue), so no read or
// write waits for the sweep. scheduledCompactRev is written when a compaction starts and
// finishedCompactRev when its sweep ends; a store opened between the two resumes the sweep.
using FastKv.Api;
using FastKv.Mvcc.Storage;

namespace FastKv.Mvcc.Kv;

public sealed partial class KvStore
{
    private const int IndexCompactionSlice = 10_000;
    /// <summary>Page-file deletes per sweep step (etcd's compaction batch limit).</summary>
    public int CompactionBatchLimit { get; set; } = 1000;

    private CompactionJob? _compaction;
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
        // A key space never compacted accepts revision 0 (nothing to do), as etcd's does.
        if (revision == 0 && CompactRevision == 0) return Task.CompletedTask;
        if (revision <= CompactRevision) throw EtcdErrors.Compacted();
        if (revision > CurrentRevision) throw EtcdErrors.FutureRevision();
        return ScheduleCompaction(revision, persist: true);
    }

    private Task ScheduleCompaction(long revision, bool persist)
    {
        if (persist)
        {
            Span<byte> v = stackalloc byte[Revision.KeySize];
            new Revision(revision, 0).Write(v);
            _backend.Put(BucketNames.Meta, MetaKeys.ScheduledCompactRev, v);
        }
        Volatile.Write(ref _compactRevision, revision);
        var keep = CompactIndex(revision);
        var job = new CompactionJob(revision, keep);
        // A newer compaction's sweep removes everything an older one would have.
        if (_compaction is not null) job.Waiters.AddRange(_compaction.Waiters);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        job.Waiters.Add(done);
        _compaction = job;
        return done.Task;
    }

    private HashSet<Revision> CompactIndex(long revision)
    {
        var keep = new HashSet<Revision>();
        var emptied = new List<byte[]>();
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
            if (n < IndexCompactionSlice) return keep;
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
        var cursor = _backend.BatchBucket(BucketNames.Key).Cursor();
        bool found = job.ResumeAt is null ? cursor.First(out var k, out _) : cursor.Seek(job.ResumeAt, out k, out _);
        var doomed = new List<byte[]>();
        int examined = 0;
        bool finished = false;
        while (true)
        {
            if (!found || !Revision.TryParse(k, out var rev, out _) || rev.Main > job.Revision) { finished = true; break; }
            if (doomed.Count >= CompactionBatchLimit || examined >= CompactionBatchLimit * 10)
            {
                job.ResumeAt = k.ToArray();
                break;
            }
            examined++;
            if (!job.Keep.Contains(rev)) doomed.Add(k.ToArray());
            found = cursor.Next(out k, out _);
        }
        foreach (var key in doomed) _backend.Delete(BucketNames.Key, key);
        if (!finished) return true;

        Span<byte> v = stackalloc byte[Revision.KeySize];
        new Revision(job.Revision, 0).Write(v);
        _backend.Put(BucketNames.Meta, MetaKeys.FinishedCompactRev, v);
        _compactionsAwaitingCommit.AddRange(job.Waiters);
        _compaction = null;
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

// A physical compaction in progress: which revisions at or below Revision stay on disk, where
// the sweep of the `key` bucket has got to, and who waits for it to finish.
namespace FastKv.Mvcc.Kv;

internal sealed class CompactionJob(long revision, HashSet<Revision> keep)
{
    public long Revision { get; } = revision;
    public HashSet<Revision> Keep { get; } = keep;
    /// <summary>The first key not yet examined (null: from the start); kept keys are never deleted, so it stays valid.</summary>
    public byte[]? ResumeAt;
    public readonly List<TaskCompletionSource> Waiters = [];
}

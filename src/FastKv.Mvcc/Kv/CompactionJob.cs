// A physical compaction in progress: which revisions at or below Revision stay on disk, where
// the sweep of the `key` bucket has got to, and who waits for it to finish. Reused from one
// compaction to the next (the kept set keeps its capacity), so compacting allocates nothing
// once warm.
namespace FastKv.Mvcc.Kv;

internal sealed class CompactionJob
{
    private readonly byte[] _resumeAt = new byte[Kv.Revision.TombstoneKeySize];
    private int _resumeLength = -1;

    public long Revision { get; private set; }
    /// <summary>The newest revision of each key at or below <see cref="Revision"/>: what the sweep leaves on disk.</summary>
    public HashSet<Revision> Keep { get; } = [];
    public readonly List<TaskCompletionSource> Waiters = [];

    /// <summary>Starts over for a compaction at <paramref name="revision"/>, with nothing kept and nobody waiting.</summary>
    public void Reset(long revision)
    {
        Revision = revision;
        Keep.Clear();
        Waiters.Clear();
        _resumeLength = -1;
    }

    /// <summary>The first key not yet examined, or false to start from the beginning; kept keys are never deleted, so it stays valid.</summary>
    public bool TryGetResumeAt(out ReadOnlySpan<byte> key)
    {
        key = _resumeLength < 0 ? default : _resumeAt.AsSpan(0, _resumeLength);
        return _resumeLength >= 0;
    }

    /// <summary>Remembers where the sweep stopped; the `key` bucket's keys are revisions (at most 18 bytes).</summary>
    public void SetResumeAt(ReadOnlySpan<byte> key)
    {
        key.CopyTo(_resumeAt);
        _resumeLength = key.Length;
    }
}

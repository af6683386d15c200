// Tunables of a WAL writer. The defaults are etcd's.
namespace FastKv.Wal;

public sealed class WalOptions
{
    /// <summary>Size a segment is preallocated to and cut at (etcd: 64,000,000 bytes).</summary>
    public long SegmentBytes { get; init; } = 64_000_000;

    /// <summary>Called after every fdatasync with its duration (for "slow fdatasync" logs and the fsync histogram).</summary>
    public Action<TimeSpan>? SyncCompleted { get; init; }

    public static readonly WalOptions Default = new();
}

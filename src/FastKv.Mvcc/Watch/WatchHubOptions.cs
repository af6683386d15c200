// The watch hub's tunables, with etcd's defaults.
namespace FastKv.Mvcc.Watch;

public sealed class WatchHubOptions
{
    /// <summary>etcd adds this much to --max-request-bytes before fragmenting a watch response (gRPC framing slack).</summary>
    public const int GrpcOverheadBytes = 512 * 1024;

    /// <summary>
    /// Event responses a stream may hold unread before its watchers stop being fed live and fall
    /// back to catch-up from history (etcd's per-stream channel holds 128).
    /// </summary>
    public int StreamBufferLimit { get; init; } = 128;

    /// <summary>How often a watcher with progress_notify and no recent events is told the revision it is synced to.</summary>
    public TimeSpan ProgressNotifyInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The server's --max-request-bytes; fragmenting watchers get responses of at most this plus <see cref="GrpcOverheadBytes"/>.</summary>
    public int MaxRequestBytes { get; init; } = 1536 * 1024;

    /// <summary>How often unsynced watchers are retried when nothing else wakes the catch-up (etcd syncs every 100 ms).</summary>
    public TimeSpan CatchUpInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Most revisions one catch-up response carries (etcd batches at most 1000).</summary>
    public int MaxRevisionsPerCatchUp { get; init; } = 1000;

    internal int FragmentThreshold => (int)Math.Min(int.MaxValue, (long)MaxRequestBytes + GrpcOverheadBytes);

    internal void Validate()
    {
        if (StreamBufferLimit < 1)
            throw new ArgumentOutOfRangeException(nameof(StreamBufferLimit), StreamBufferLimit, "must be at least 1");
        if (ProgressNotifyInterval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(ProgressNotifyInterval), ProgressNotifyInterval, "must be positive");
        if (MaxRequestBytes < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxRequestBytes), MaxRequestBytes, "must be positive");
        if (CatchUpInterval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(CatchUpInterval), CatchUpInterval, "must be positive");
        if (MaxRevisionsPerCatchUp < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxRevisionsPerCatchUp), MaxRevisionsPerCatchUp, "must be at least 1");
    }
}

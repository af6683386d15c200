// Tunables of the lessor. The minimum TTL follows etcd: a lease must outlive a leader
// election (1.5 election timeouts, rounded up to whole seconds), or keys would vanish
// whenever leadership moves.
namespace FastKv.Mvcc.Lease;

public sealed class LessorOptions
{
    /// <summary>Leases granted with a shorter TTL get this one (seconds). etcd's default settings give 2.</summary>
    public long MinTtlSeconds { get; init; } = 2;

    /// <summary>Whether the leader records remaining TTLs through Raft (etcd 3.4: off unless enabled).</summary>
    public bool CheckpointingEnabled { get; init; }

    /// <summary>How often a long lease's remaining TTL is checkpointed (etcd: 5 minutes).</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>An expired lease reported for revocation is not reported again before this passes (etcd: 3 s).</summary>
    public TimeSpan ExpiredRetryInterval { get; init; } = TimeSpan.FromSeconds(3);

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>etcd's rule: ceil(1.5 x electionTicks x heartbeat) in seconds.</summary>
    public static long MinTtlFor(TimeSpan heartbeat, int electionTicks)
    {
        if (electionTicks < 1 || heartbeat <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(electionTicks), "heartbeat and election ticks must be positive");
        var minTtl = heartbeat * (3 * electionTicks / 2);
        return (long)Math.Ceiling(minTtl.TotalSeconds);
    }
}

// One granted lease as the lessor holds it in memory: its TTLs, when it expires on this
// member (only meaningful while this member leads) and the keys attached to it.
namespace FastKv.Mvcc.Lease;

internal sealed class LeaseEntry(long id, long ttl)
{
    /// <summary>Expiry timestamp meaning "never": a follower never expires a lease.</summary>
    public const long Forever = long.MaxValue;

    public long Id { get; } = id;
    public long Ttl { get; set; } = ttl;

    /// <summary>Seconds left as last checkpointed; 0 when never checkpointed (the full TTL applies).</summary>
    public long RemainingTtl { get; set; }

    /// <summary>TimeProvider timestamp at which the lease expires.</summary>
    public long ExpiresAt { get; set; } = Forever;

    /// <summary>Priority of this lease's live item in the expiry queue; older items are stale.</summary>
    public long ExpiryQueuedAt { get; set; } = Forever;

    /// <summary>Priority of this lease's live item in the checkpoint queue.</summary>
    public long CheckpointQueuedAt { get; set; } = Forever;

    /// <summary>A renewal cleared a checkpointed remaining TTL; the next checkpoint batch says so.</summary>
    public bool ClearRemainingPending { get; set; }

    public HashSet<byte[]> Keys { get; } = new(FastKv.Bolt.ByteArrayComparer.Instance);

    /// <summary>The TTL a (re)started countdown uses: the checkpointed remainder if any.</summary>
    public long CountdownSeconds => RemainingTtl > 0 ? RemainingTtl : Ttl;
}

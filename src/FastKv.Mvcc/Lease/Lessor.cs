// Owns the leases of a member: grants, revocations, renewals, remaining-TTL checkpoints and
// the attachment of keys to leases, persisted in the `lease` bucket as leasepb.Lease records
// keyed by the 8-byte big-endian ID.
//
// Threads: Grant, Revoke, ApplyCheckpoint, Attach and Detach run on the apply thread (they
// write into the backend's batch); Renew, TimeToLive, Leases, ExpiredLeases and
// PendingCheckpoints run on request or timer threads. One lock guards the in-memory state;
// Revoke calls the key space outside it, so the key space may Detach from inside
// DeleteKeysInOneRevision.
//
// Expiry is decided only while the host says this member leads (Promote/Demote): a follower
// keeps every lease alive forever, because only the leader's clock may end a lease, and it
// does so by proposing a LeaseRevokeRequest for each ID ExpiredLeases returns.
//
// Restart: the constructor (and Reload after a snapshot) reads the lease records; which keys
// belong to which lease is not stored here but in each key's KeyValue.lease, so the key
// space rebuilds the attachments by calling Attach for every live key with a lease while it
// loads its index.
using System.Buffers.Binary;
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using FastKv.Mvcc.Storage;
using Google.Protobuf;
using LeaseRecord = FastKv.Api.Leasepb.Lease;

namespace FastKv.Mvcc.Lease;

public sealed class Lessor : ILeaseAttachments
{
    /// <summary>The largest TTL etcd accepts (seconds).</summary>
    public const long MaxLeaseTtl = 9_000_000_000;

    /// <summary>Most checkpoints one LeaseCheckpointRequest carries (etcd: 1000).</summary>
    public const int MaxCheckpointBatch = 1000;

    private readonly object _gate = new();
    private readonly Dictionary<long, LeaseEntry> _leases = new();
    private readonly PriorityQueue<long, long> _expiryQueue = new();
    private readonly PriorityQueue<long, long> _checkpointQueue = new();
    private readonly Backend _backend;
    private readonly LessorOptions _options;
    private readonly TimeProvider _time;
    private bool _primary;

    public Lessor(Backend backend, LessorOptions? options = null)
    {
        _backend = backend;
        _options = options ?? new LessorOptions();
        _time = _options.Time;
        Reload();
    }

    /// <summary>Where revocations delete the attached keys: the key space. Set before the first apply.</summary>
    public ILeaseRevokeTarget? RevokeTarget { get; set; }

    public bool IsPrimary
    {
        get { lock (_gate) return _primary; }
    }

    public int Count
    {
        get { lock (_gate) return _leases.Count; }
    }

    /// <summary>
    /// Drops all in-memory state and reads the lease bucket's last committed state again
    /// (open, or after a snapshot replaced the file; the open batch must be committed first).
    /// Attachments start empty: the key space re-attaches its keys. Leases keep this member's
    /// role: a follower's never expire until Promote.
    /// </summary>
    public void Reload()
    {
        lock (_gate)
        {
            _leases.Clear();
            _expiryQueue.Clear();
            _checkpointQueue.Clear();
            using var tx = _backend.BeginRead();
            var bucket = tx.GetBucket(BucketNames.Lease);
            if (bucket is null) return;
            var cursor = bucket.Cursor();
            for (var ok = cursor.First(out var key, out var value); ok; ok = cursor.Next(out key, out value))
            {
                LeaseRecord record;
                try
                {
                    record = LeaseRecord.Parser.ParseFrom(value);
                }
                catch (InvalidProtocolBufferException e)
                {
                    throw new InvalidDataException($"lease bucket: record {Convert.ToHexString(key)} is not a leasepb.Lease: {e.Message}", e);
                }
                var entry = new LeaseEntry(record.ID, Math.Max(record.TTL, _options.MinTtlSeconds))
                {
                    RemainingTtl = record.RemainingTTL,
                };
                _leases[entry.Id] = entry;
            }
            if (_primary)
            {
                foreach (var entry in _leases.Values)
                    StartCountdown(entry, _time.GetTimestamp(), 0);
            }
        }
    }

    // ---- apply thread ------------------------------------------------------------------

    /// <summary>Grants a lease (apply of LeaseGrantRequest). The ID must already be chosen (see LeaseIdGenerator).</summary>
    public LeaseGrantResponse Grant(long id, long ttlSeconds)
    {
        if (id == 0) throw EtcdErrors.LeaseNotFound();
        if (ttlSeconds > MaxLeaseTtl) throw EtcdErrors.LeaseTtlTooLarge();
        lock (_gate)
        {
            if (_leases.ContainsKey(id)) throw EtcdErrors.LeaseExists();
            var entry = new LeaseEntry(id, Math.Max(ttlSeconds, _options.MinTtlSeconds));
            _leases.Add(id, entry);
            if (_primary) StartCountdown(entry, _time.GetTimestamp(), 0);
            Persist(entry);
            return new LeaseGrantResponse { ID = id, TTL = entry.Ttl };
        }
    }

    /// <summary>
    /// Revokes a lease (apply of LeaseRevokeRequest, whether a client asked or it expired):
    /// its keys are deleted in one revision and its record leaves the lease bucket in the same batch.
    /// </summary>
    public LeaseRevokeResponse Revoke(long id)
    {
        var target = RevokeTarget ?? throw new InvalidOperationException("the lessor has no revoke target");
        byte[][] keys;
        lock (_gate)
        {
            if (!_leases.TryGetValue(id, out var entry)) throw EtcdErrors.LeaseNotFound();
            // Sorted so every member deletes in the same order and emits identical events.
            keys = entry.Keys.ToArray();
            Array.Sort(keys, static (a, b) => a.AsSpan().SequenceCompareTo(b));
        }
        // Outside the lock: the key space takes its own locks and publishes watch events.
        // Only the apply thread grants, attaches or revokes, so the set cannot change meanwhile.
        target.DeleteKeysInOneRevision(keys);
        lock (_gate)
        {
            _leases.Remove(id);
            Span<byte> k = stackalloc byte[8];
            BinaryPrimitives.WriteInt64BigEndian(k, id);
            _backend.Delete(BucketNames.Lease, k);
        }
        return new LeaseRevokeResponse();
    }

    /// <summary>
    /// Applies remaining-TTL checkpoints; unknown IDs are skipped (revoked meanwhile). The
    /// remainder only matters to the next leader's Promote: the current leader's running
    /// countdown is left alone and just gets its next checkpoint scheduled. Unlike etcd 3.4,
    /// the remainder is also persisted, so it survives a restart of the whole cluster.
    /// </summary>
    public LeaseCheckpointResponse ApplyCheckpoint(LeaseCheckpointRequest request)
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            foreach (var cp in request.Checkpoints)
            {
                if (!_leases.TryGetValue(cp.ID, out var entry)) continue;
                entry.RemainingTtl = Math.Max(cp.RemainingTTL, 0);
                if (_primary) ScheduleCheckpoint(entry, now);
                Persist(entry);
            }
            return new LeaseCheckpointResponse();
        }
    }

    public bool Exists(long leaseId)
    {
        lock (_gate) return _leases.ContainsKey(leaseId);
    }

    /// <summary>Attaches a key. A lease that no longer exists is ignored (a key loaded after its lease was revoked).</summary>
    public void Attach(long leaseId, ReadOnlySpan<byte> key)
    {
        lock (_gate)
        {
            if (_leases.TryGetValue(leaseId, out var entry))
                entry.Keys.GetAlternateLookup<ReadOnlySpan<byte>>().Add(key);
        }
    }

    public void Detach(long leaseId, ReadOnlySpan<byte> key)
    {
        lock (_gate)
        {
            if (_leases.TryGetValue(leaseId, out var entry))
                entry.Keys.GetAlternateLookup<ReadOnlySpan<byte>>().Remove(key);
        }
    }

    // ---- leader role ---------------------------------------------------------------------

    /// <summary>
    /// This member became leader: every lease restarts its countdown from now plus
    /// <paramref name="extend"/> (etcd extends by an election timeout so clients can reconnect).
    /// Where more leases would expire within a second than three quarters of the revoke
    /// rate, the later ones are pushed back, so a failover does not end in a revoke storm.
    /// </summary>
    public void Promote(TimeSpan extend)
    {
        lock (_gate)
        {
            _primary = true;
            _expiryQueue.Clear();
            _checkpointQueue.Clear();
            var now = _time.GetTimestamp();
            var extendTicks = ToTicks(extend.TotalSeconds);
            foreach (var entry in _leases.Values)
                StartCountdown(entry, now, extendTicks);
            if (_leases.Count > TargetExpiriesPerSecond) SpreadExpiries();
        }
    }

    /// <summary>Most revocations the server should propose per second (etcd: 1000); ExpiredLeases' limit derives from it.</summary>
    public const int RevokeRatePerSecond = 1000;

    private const int TargetExpiriesPerSecond = 3 * RevokeRatePerSecond / 4;

    private void SpreadExpiries()
    {
        var second = ToTicks(1);
        var ordered = _leases.Values.Where(e => e.ExpiresAt != LeaseEntry.Forever).OrderBy(e => e.ExpiresAt).ToArray();
        if (ordered.Length == 0) return;
        var windowStart = ordered[0].ExpiresAt;
        var windowEnd = SaturatingAdd(windowStart, second);
        var inWindow = 0;
        foreach (var entry in ordered)
        {
            var expiresAt = entry.ExpiresAt;
            if (expiresAt > windowEnd)
            {
                windowStart = expiresAt;
                windowEnd = SaturatingAdd(windowStart, second);
                inWindow = 1;
                continue;
            }
            inWindow++;
            if (inWindow <= TargetExpiriesPerSecond) continue;
            // Push this lease to where the window's share of the rate puts it; a lease that
            // already expires later within the window needs correspondingly less delay.
            var delay = (long)(second * ((double)inWindow / TargetExpiriesPerSecond)) - (expiresAt - windowStart);
            windowEnd = SaturatingAdd(windowStart, delay);
            entry.ExpiresAt = SaturatingAdd(expiresAt, delay);
            Enqueue(_expiryQueue, entry, entry.ExpiresAt, isCheckpoint: false);
        }
    }

    /// <summary>This member stopped leading: no lease expires here until the next Promote.</summary>
    public void Demote()
    {
        lock (_gate)
        {
            _primary = false;
            _expiryQueue.Clear();
            _checkpointQueue.Clear();
            foreach (var entry in _leases.Values)
            {
                entry.ExpiresAt = LeaseEntry.Forever;
                entry.ExpiryQueuedAt = LeaseEntry.Forever;
                entry.CheckpointQueuedAt = LeaseEntry.Forever;
                entry.ClearRemainingPending = false;
            }
        }
    }

    /// <summary>
    /// Keep-alive (leader only): restarts the countdown and returns the TTL. Throws
    /// NotLeader on a follower and LeaseNotFound for an unknown or already expired lease
    /// (etcd's keep-alive stream answers that with TTL 0).
    /// </summary>
    public LeaseKeepAliveResponse Renew(long id)
    {
        lock (_gate)
        {
            if (!_primary) throw EtcdErrors.NotLeader();
            if (!_leases.TryGetValue(id, out var entry)) throw EtcdErrors.LeaseNotFound();
            var now = _time.GetTimestamp();
            // An expired lease is on its way to revocation; renewing it would race that.
            if (entry.ExpiresAt <= now) throw EtcdErrors.LeaseNotFound();
            if (entry.RemainingTtl > 0 && _options.CheckpointingEnabled)
            {
                entry.ClearRemainingPending = true;
                Enqueue(_checkpointQueue, entry, now, isCheckpoint: true);
            }
            entry.RemainingTtl = 0;
            StartCountdown(entry, now, 0);
            return new LeaseKeepAliveResponse { ID = id, TTL = entry.Ttl };
        }
    }

    /// <summary>
    /// Leases whose countdown ran out, at most <paramref name="limit"/>, oldest first; each is
    /// not reported again for ExpiredRetryInterval (its revoke is in flight). Empty on a follower.
    /// </summary>
    public List<long> ExpiredLeases(int limit)
    {
        var expired = new List<long>();
        lock (_gate)
        {
            if (!_primary) return expired;
            var now = _time.GetTimestamp();
            var retryAt = SaturatingAdd(now, ToTicks(_options.ExpiredRetryInterval.TotalSeconds));
            while (expired.Count < limit && _expiryQueue.TryPeek(out var id, out var at))
            {
                if (!_leases.TryGetValue(id, out var entry) || entry.ExpiryQueuedAt != at)
                {
                    _expiryQueue.Dequeue();
                    continue;
                }
                if (at > now) break;
                _expiryQueue.Dequeue();
                expired.Add(id);
                entry.ExpiryQueuedAt = retryAt;
                _expiryQueue.Enqueue(id, retryAt);
            }
        }
        return expired;
    }

    /// <summary>
    /// Checkpoints due now (leader with checkpointing enabled), for the server to propose as
    /// one LeaseCheckpointRequest; null when none is due.
    /// </summary>
    public LeaseCheckpointRequest? PendingCheckpoints()
    {
        lock (_gate)
        {
            if (!_primary || !_options.CheckpointingEnabled) return null;
            var now = _time.GetTimestamp();
            LeaseCheckpointRequest? request = null;
            while (_checkpointQueue.TryPeek(out var id, out var at))
            {
                if (request is not null && request.Checkpoints.Count >= MaxCheckpointBatch) break;
                if (!_leases.TryGetValue(id, out var entry) || entry.CheckpointQueuedAt != at)
                {
                    _checkpointQueue.Dequeue();
                    continue;
                }
                if (at > now) break;
                _checkpointQueue.Dequeue();
                entry.CheckpointQueuedAt = LeaseEntry.Forever;
                long remaining;
                if (entry.ClearRemainingPending)
                {
                    entry.ClearRemainingPending = false;
                    remaining = 0;
                }
                else
                {
                    remaining = (long)Math.Ceiling(RemainingSeconds(entry, now));
                    if (remaining <= 0) continue;
                }
                request ??= new LeaseCheckpointRequest();
                request.Checkpoints.Add(new LeaseCheckpoint { ID = id, RemainingTTL = remaining });
            }
            return request;
        }
    }

    // ---- queries -------------------------------------------------------------------------

    /// <summary>
    /// etcd's LeaseTimeToLive answer: TTL -1 for an unknown lease. The remaining TTL is exact
    /// on the leader; a follower (which should forward) reports the TTL a new countdown would use.
    /// </summary>
    public LeaseTimeToLiveResponse TimeToLive(long id, bool withKeys)
    {
        lock (_gate)
        {
            if (!_leases.TryGetValue(id, out var entry))
                return new LeaseTimeToLiveResponse { ID = id, TTL = -1 };
            var response = new LeaseTimeToLiveResponse
            {
                ID = id,
                GrantedTTL = entry.Ttl,
                TTL = _primary
                    ? Math.Max(0, (long)RemainingSeconds(entry, _time.GetTimestamp()))
                    : entry.CountdownSeconds,
            };
            if (withKeys)
            {
                var keys = entry.Keys.ToArray();
                Array.Sort(keys, static (a, b) => a.AsSpan().SequenceCompareTo(b));
                foreach (var key in keys) response.Keys.Add(ByteString.CopyFrom(key));
            }
            return response;
        }
    }

    /// <summary>Every lease, soonest expiry first (by ID where expiries tie, as on a follower).</summary>
    public LeaseLeasesResponse Leases()
    {
        lock (_gate)
        {
            var response = new LeaseLeasesResponse();
            foreach (var entry in _leases.Values.OrderBy(e => e.ExpiresAt).ThenBy(e => e.Id))
                response.Leases.Add(new LeaseStatus { ID = entry.Id });
            return response;
        }
    }

    /// <summary>The keys attached to a lease, sorted (for the auth check of a revoke); empty when unknown.</summary>
    public byte[][] AttachedKeys(long id)
    {
        lock (_gate)
        {
            if (!_leases.TryGetValue(id, out var entry)) return [];
            var keys = entry.Keys.ToArray();
            Array.Sort(keys, static (a, b) => a.AsSpan().SequenceCompareTo(b));
            return keys;
        }
    }

    // ---- internals -----------------------------------------------------------------------

    private void StartCountdown(LeaseEntry entry, long now, long extendTicks)
    {
        entry.ExpiresAt = SaturatingAdd(SaturatingAdd(now, extendTicks), ToTicks(entry.CountdownSeconds));
        Enqueue(_expiryQueue, entry, entry.ExpiresAt, isCheckpoint: false);
        if (!entry.ClearRemainingPending) ScheduleCheckpoint(entry, now);
    }

    // Only leases longer than the interval are worth checkpointing (etcd's rule).
    private void ScheduleCheckpoint(LeaseEntry entry, long now)
    {
        if (_options.CheckpointingEnabled && entry.Ttl > _options.CheckpointInterval.TotalSeconds)
            Enqueue(_checkpointQueue, entry, SaturatingAdd(now, ToTicks(_options.CheckpointInterval.TotalSeconds)), isCheckpoint: true);
    }

    private static void Enqueue(PriorityQueue<long, long> queue, LeaseEntry entry, long at, bool isCheckpoint)
    {
        if (isCheckpoint) entry.CheckpointQueuedAt = at;
        else entry.ExpiryQueuedAt = at;
        queue.Enqueue(entry.Id, at);
    }

    private double RemainingSeconds(LeaseEntry entry, long now) =>
        entry.ExpiresAt == LeaseEntry.Forever
            ? entry.CountdownSeconds
            : (entry.ExpiresAt - now) / (double)_time.TimestampFrequency;

    private long ToTicks(double seconds)
    {
        var ticks = seconds * _time.TimestampFrequency;
        return ticks >= long.MaxValue ? long.MaxValue : (long)ticks;
    }

    private static long SaturatingAdd(long a, long b)
    {
        var sum = a + b;
        return b > 0 && sum < a ? long.MaxValue : sum;
    }

    private void Persist(LeaseEntry entry)
    {
        Span<byte> key = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(key, entry.Id);
        var record = new LeaseRecord { ID = entry.Id, TTL = entry.Ttl, RemainingTTL = entry.RemainingTtl };
        _backend.Put(BucketNames.Lease, key, record.ToByteArray());
    }
}

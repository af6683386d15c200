// Behaviour of the lessor per etcd rule: grant, revoke, renew, time-to-live, list, expiry
// only on the leader, checkpoints and persistence across a reopen.
using System.Buffers.Binary;
using System.Text;
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using FastKv.Mvcc.Lease;
using FastKv.Mvcc.Storage;
using FastKv.Mvcc.Tests.Support;

namespace FastKv.Mvcc.Tests.Lease;

public sealed class LessorTests : IDisposable
{
    private readonly TempBackend _store = new();
    private readonly ManualClock _clock = new();
    private readonly Dictionary<string, long> _keyLease = [];
    private Lessor _lessor;
    private readonly RecordingRevokeTarget _target;

    public LessorTests()
    {
        _lessor = NewLessor();
        _target = new RecordingRevokeTarget(() => _lessor, k => _keyLease[Encoding.UTF8.GetString(k)]);
        _lessor.RevokeTarget = _target;
    }

    public void Dispose() => _store.Dispose();

    private Lessor NewLessor(bool checkpoints = false) => new(_store.Backend, new LessorOptions
    {
        Time = _clock,
        MinTtlSeconds = 5,
        CheckpointingEnabled = checkpoints,
        CheckpointInterval = TimeSpan.FromSeconds(60),
    });

    private void AttachKey(long lease, string key)
    {
        _keyLease[key] = lease;
        _lessor.Attach(lease, Encoding.UTF8.GetBytes(key));
    }

    private static EtcdException Fails(Action action) => Assert.Throws<EtcdException>(action);

    [Fact]
    public void Grant_returns_the_id_and_ttl_and_raises_a_short_ttl_to_the_minimum()
    {
        var granted = _lessor.Grant(7, 100);
        Assert.Equal(7, granted.ID);
        Assert.Equal(100, granted.TTL);
        Assert.Equal(5, _lessor.Grant(8, 1).TTL);
        Assert.Equal(5, _lessor.Grant(9, -3).TTL);
        Assert.True(_lessor.Exists(7));
        Assert.False(_lessor.Exists(10));
    }

    [Fact]
    public void Grant_refuses_an_existing_id_a_zero_id_and_a_too_large_ttl()
    {
        _lessor.Grant(7, 100);
        var exists = Fails(() => _lessor.Grant(7, 100));
        Assert.Equal("etcdserver: lease already exists", exists.Message);
        Assert.Equal(StatusCode.FailedPrecondition, exists.Code);

        var zero = Fails(() => _lessor.Grant(0, 100));
        Assert.Equal(StatusCode.NotFound, zero.Code);

        var large = Fails(() => _lessor.Grant(11, Lessor.MaxLeaseTtl + 1));
        Assert.Equal("etcdserver: too large lease TTL", large.Message);
        Assert.Equal(StatusCode.OutOfRange, large.Code);
        Assert.Equal(Lessor.MaxLeaseTtl, _lessor.Grant(12, Lessor.MaxLeaseTtl).TTL);
    }

    [Fact]
    public void Revoke_deletes_all_attached_keys_in_one_sorted_call_and_forgets_the_lease()
    {
        _lessor.Grant(1, 100);
        _lessor.Grant(2, 100);
        AttachKey(1, "b");
        AttachKey(1, "a");
        AttachKey(2, "c");

        _lessor.Revoke(1);

        var call = Assert.Single(_target.Calls);
        Assert.Equal(["a", "b"], call.Select(k => Encoding.UTF8.GetString(k)));
        Assert.False(_lessor.Exists(1));
        Assert.Equal(-1, _lessor.TimeToLive(1, false).TTL);
        Assert.Single(_lessor.AttachedKeys(2));

        var missing = Fails(() => _lessor.Revoke(1));
        Assert.Equal("etcdserver: requested lease not found", missing.Message);
        Assert.Equal(StatusCode.NotFound, missing.Code);
    }

    [Fact]
    public void Revoke_of_a_lease_without_keys_still_calls_the_key_space_once()
    {
        _lessor.Grant(1, 100);
        _lessor.Revoke(1);
        Assert.Empty(Assert.Single(_target.Calls));
    }

    [Fact]
    public void Detach_removes_a_key_and_attach_to_an_unknown_lease_is_ignored()
    {
        _lessor.Grant(1, 100);
        AttachKey(1, "a");
        AttachKey(1, "b");
        _lessor.Detach(1, "a"u8);
        _lessor.Attach(99, "z"u8);
        Assert.Equal(["b"], _lessor.AttachedKeys(1).Select(k => Encoding.UTF8.GetString(k)));
        Assert.Empty(_lessor.AttachedKeys(99));
    }

    [Fact]
    public void Renew_needs_the_leader_and_an_existing_unexpired_lease()
    {
        _lessor.Grant(1, 10);
        var notLeader = Fails(() => _lessor.Renew(1));
        Assert.Equal(StatusCode.FailedPrecondition, notLeader.Code);
        Assert.Equal("etcdserver: not leader", notLeader.Message);

        _lessor.Promote(TimeSpan.Zero);
        Assert.Equal(StatusCode.NotFound, Fails(() => _lessor.Renew(2)).Code);

        _clock.Advance(TimeSpan.FromSeconds(8));
        Assert.Equal(2, _lessor.TimeToLive(1, false).TTL);
        var renewed = _lessor.Renew(1);
        Assert.Equal(1, renewed.ID);
        Assert.Equal(10, renewed.TTL);
        Assert.Equal(10, _lessor.TimeToLive(1, false).TTL);

        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(StatusCode.NotFound, Fails(() => _lessor.Renew(1)).Code);
    }

    [Fact]
    public void TimeToLive_reports_remaining_granted_and_sorted_keys_and_minus_one_when_missing()
    {
        _lessor.Promote(TimeSpan.Zero);
        _lessor.Grant(1, 30);
        AttachKey(1, "z");
        AttachKey(1, "m");
        _clock.Advance(TimeSpan.FromSeconds(12.5));

        var ttl = _lessor.TimeToLive(1, withKeys: true);
        Assert.Equal(17, ttl.TTL);
        Assert.Equal(30, ttl.GrantedTTL);
        Assert.Equal(["m", "z"], ttl.Keys.Select(k => k.ToStringUtf8()));
        Assert.Empty(_lessor.TimeToLive(1, withKeys: false).Keys);

        var missing = _lessor.TimeToLive(42, withKeys: true);
        Assert.Equal(42, missing.ID);
        Assert.Equal(-1, missing.TTL);
    }

    [Fact]
    public void Leases_lists_every_id_in_order()
    {
        foreach (var id in new long[] { 30, 10, 20 }) _lessor.Grant(id, 60);
        Assert.Equal([10L, 20L, 30L], _lessor.Leases().Leases.Select(l => l.ID));
    }

    [Fact]
    public void Only_the_leader_expires_leases_and_promotion_extends_them()
    {
        _lessor.Grant(1, 10);
        _clock.Advance(TimeSpan.FromSeconds(100));
        Assert.Empty(_lessor.ExpiredLeases(100));

        _lessor.Promote(TimeSpan.FromSeconds(3));
        _clock.Advance(TimeSpan.FromSeconds(12));
        Assert.Empty(_lessor.ExpiredLeases(100));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([1L], _lessor.ExpiredLeases(100));

        _lessor.Demote();
        _clock.Advance(TimeSpan.FromSeconds(100));
        Assert.Empty(_lessor.ExpiredLeases(100));
    }

    [Fact]
    public void Promotion_spreads_a_pile_of_simultaneous_expiries_over_seconds()
    {
        for (var id = 1; id <= 2000; id++) _lessor.Grant(id, 10);
        _lessor.Promote(TimeSpan.Zero);

        var perSecond = new int[21];
        var total = 0;
        for (var step = 0; step < 200; step++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(100));
            var expired = _lessor.ExpiredLeases(int.MaxValue);
            foreach (var id in expired) _lessor.Revoke(id);
            perSecond[(step + 1) / 10] += expired.Count;
            total += expired.Count;
        }
        Assert.Equal(2000, total);
        Assert.Equal(0, perSecond.Take(10).Sum());
        Assert.All(perSecond, n => Assert.InRange(n, 0, 751));
        Assert.Equal(0, perSecond.Skip(13).Sum());
    }

    [Fact]
    public void An_expired_lease_is_reported_again_only_after_the_retry_interval()
    {
        _lessor.Promote(TimeSpan.Zero);
        _lessor.Grant(1, 10);
        _lessor.Grant(2, 10);
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal([1L], _lessor.ExpiredLeases(1));
        Assert.Equal([2L], _lessor.ExpiredLeases(5));
        Assert.Empty(_lessor.ExpiredLeases(5));
        _clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal([1L, 2L], _lessor.ExpiredLeases(5).Order());
        _lessor.Revoke(1);
        _lessor.Revoke(2);
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Empty(_lessor.ExpiredLeases(5));
    }

    [Fact]
    public void Applied_checkpoint_sets_the_countdown_a_new_leader_uses()
    {
        _lessor.Grant(1, 100);
        _lessor.ApplyCheckpoint(new LeaseCheckpointRequest { Checkpoints = { new LeaseCheckpoint { ID = 1, RemainingTTL = 40 }, new LeaseCheckpoint { ID = 9, RemainingTTL = 1 } } });
        _lessor.Promote(TimeSpan.Zero);
        Assert.Equal(40, _lessor.TimeToLive(1, false).TTL);
        Assert.Equal(100, _lessor.TimeToLive(1, false).GrantedTTL);
        _clock.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal([1L], _lessor.ExpiredLeases(10));
    }

    [Fact]
    public void Leader_proposes_checkpoints_for_long_leases_and_a_clear_after_renewal()
    {
        _lessor = NewLessor(checkpoints: true);
        _lessor.RevokeTarget = _target;
        _lessor.Promote(TimeSpan.Zero);
        _lessor.Grant(1, 300);
        _lessor.Grant(2, 30); // shorter than the interval: never checkpointed
        Assert.Null(_lessor.PendingCheckpoints());

        _clock.Advance(TimeSpan.FromSeconds(60));
        var due = Assert.IsType<LeaseCheckpointRequest>(_lessor.PendingCheckpoints());
        var cp = Assert.Single(due.Checkpoints);
        Assert.Equal(1, cp.ID);
        Assert.Equal(240, cp.RemainingTTL);

        _lessor.ApplyCheckpoint(due);
        Assert.Equal(240, _lessor.TimeToLive(1, false).TTL); // the leader's countdown runs on
        _clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(180, Assert.Single(Assert.IsType<LeaseCheckpointRequest>(_lessor.PendingCheckpoints()).Checkpoints).RemainingTTL);
        _lessor.Renew(1);
        var clear = Assert.IsType<LeaseCheckpointRequest>(_lessor.PendingCheckpoints());
        Assert.Equal(0, Assert.Single(clear.Checkpoints).RemainingTTL);
        Assert.Equal(300, _lessor.TimeToLive(1, false).TTL);
    }

    [Fact]
    public void Leases_and_checkpoints_survive_a_reopen_as_leasepb_records()
    {
        _lessor.Grant(0x0102030405060708, 100);
        _lessor.Grant(2, 1);
        _lessor.Grant(3, 50);
        _lessor.ApplyCheckpoint(new LeaseCheckpointRequest { Checkpoints = { new LeaseCheckpoint { ID = 0x0102030405060708, RemainingTTL = 60 } } });
        _lessor.Revoke(3);
        _store.Backend.Commit();

        var backend = _store.Reopen();
        using (var tx = backend.BeginRead())
        {
            var bucket = tx.GetBucket(BucketNames.Lease)!;
            Span<byte> key = stackalloc byte[8];
            BinaryPrimitives.WriteInt64BigEndian(key, 0x0102030405060708);
            Assert.True(bucket.TryGet(key, out var value));
            var record = FastKv.Api.Leasepb.Lease.Parser.ParseFrom(value);
            Assert.Equal(100, record.TTL);
            Assert.Equal(60, record.RemainingTTL);
        }

        var reopened = NewLessor();
        Assert.Equal([2L, 0x0102030405060708L], reopened.Leases().Leases.Select(l => l.ID));
        Assert.Equal(5, reopened.TimeToLive(2, false).GrantedTTL);
        reopened.Promote(TimeSpan.Zero);
        Assert.Equal(60, reopened.TimeToLive(0x0102030405060708, false).TTL);
    }

    [Fact]
    public void A_damaged_lease_record_is_reported_with_its_key_at_open()
    {
        _store.Backend.Put(BucketNames.Lease, [0, 0, 0, 0, 0, 0, 0, 9], [0xFF, 0xFF, 0xFF]);
        _store.Backend.Commit();
        var e = Assert.Throws<InvalidDataException>(() => NewLessor());
        Assert.Contains("0000000000000009", e.Message);
    }

    [Fact]
    public void Generated_ids_are_positive_distinct_and_carry_the_member_prefix()
    {
        var gen = new LeaseIdGenerator(0xABCD_1234, _clock);
        var ids = Enumerable.Range(0, 1000).Select(_ => gen.Next()).ToArray();
        Assert.All(ids, id => Assert.True(id > 0));
        Assert.Equal(ids.Length, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Equal(0x1234, id >> 48));
    }

    [Fact]
    public void Minimum_ttl_follows_the_election_timeout()
    {
        Assert.Equal(2, LessorOptions.MinTtlFor(TimeSpan.FromMilliseconds(100), 10));
        Assert.Equal(8, LessorOptions.MinTtlFor(TimeSpan.FromMilliseconds(500), 10));
    }
}

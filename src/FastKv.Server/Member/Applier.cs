// Applies committed requests to the multi-version store: decodes each entry's
// InternalRaftRequest, executes it, records the applied index in the same Bolt batch as its
// effects (so a restart knows exactly which WAL entries to re-apply) and hands the response to
// the waiting client request, if it was proposed here.
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using FastKv.Mvcc.Alarm;
using FastKv.Mvcc.Auth;
using FastKv.Mvcc.Kv;
using FastKv.Mvcc.Lease;
using FastKv.Mvcc.Storage;
using FastKv.Server.Logging;
using FastKv.Server.Metrics;
using Google.Protobuf;

namespace FastKv.Server.Member;

public sealed class Applier : IStateMachine
{
    private readonly Backend _backend;
    private readonly KvStore _kv;
    private readonly Lessor _lessor;
    private readonly AlarmStore _alarms;
    private readonly AuthStore _auth;
    private ulong _applyingIndex;
    private readonly RequestWaiters _waiters;
    private readonly JsonLog _log;
    private readonly TimeSpan _electionTimeout;
    private ulong _recordedIndex;
    private readonly MemberMetrics? _metrics;

    public Applier(Backend backend, KvStore kv, Lessor lessor, AlarmStore alarms, AuthStore auth, RequestWaiters waiters, JsonLog log, TimeSpan electionTimeout, MemberMetrics? metrics = null)
    {
        _metrics = metrics;
        _backend = backend;
        _kv = kv;
        _lessor = lessor;
        _alarms = alarms;
        _auth = auth;
        _electionTimeout = electionTimeout;
        _waiters = waiters;
        _log = log;
        DurableIndex = backend.ReadConsistentIndex();
        _recordedIndex = DurableIndex;
    }

    public ulong DurableIndex { get; }

    public void Apply(ulong index, ulong term, ReadOnlyMemory<byte> data)
    {
        InternalRaftRequest request;
        try
        {
            request = InternalRaftRequest.Parser.ParseFrom(data.Span);
        }
        catch (InvalidProtocolBufferException e)
        {
            // Every member skips the same undecodable entry, so they stay identical.
            _log.Warn("failed to unmarshal raft request", ("index", index), ("error", e.Message));
            return;
        }
        var id = request.Header?.ID ?? request.ID;
        _applyingIndex = index;
        object result;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            result = Execute(request);
        }
        catch (EtcdException e)
        {
            result = e;
        }
        var took = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        // As in etcd, reading a compacted revision is a successful apply.
        _metrics?.ApplyDurations.Observe(ApplyDurations.OperationOf(request), result is not EtcdException failure || failure.Message == EtcdErrors.CompactedMessage, took);
        if (took > MemberMetrics.SlowApplyThreshold)
        {
            _metrics?.SlowApplies.Inc();
            _log.Warn("apply request took too long", ("took", took), ("expected-duration", MemberMetrics.SlowApplyThreshold));
        }
        _waiters.Complete(id, result);
    }

    private object Execute(InternalRaftRequest r)
    {
        // Decided at apply, so every member makes the same decision: permissions (at the auth
        // revision the request was checked against), then alarms.
        _auth.CheckApply(r, _lessor.AttachedKeys);
        if (r.Alarm is { } alarm) return _alarms.Apply(alarm);
        _alarms.EnsureAccepts(r);
        if (ExecuteAuth(r) is { } authResponse) return authResponse;
        if (r.Put is { } put) return _kv.Put(put);
        if (r.DeleteRange is { } del) return _kv.DeleteRange(del);
        if (r.Txn is { } txn) return _kv.Txn(txn);
        if (r.Compaction is { } compaction)
            return new CompactionOutcome(_kv.Compact(compaction.Revision), new CompactionResponse { Header = new ResponseHeader { Revision = _kv.CurrentRevision } });
        if (r.Range is { } range) return _kv.Range(range);
        if (r.LeaseGrant is { } grant) return _lessor.Grant(grant.ID, grant.TTL);
        if (r.LeaseRevoke is { } revoke) return _lessor.Revoke(revoke.ID);
        if (r.LeaseCheckpoint is { } checkpoint) return _lessor.ApplyCheckpoint(checkpoint);
        throw new EtcdException(StatusCode.Unimplemented, "etcdserver: unknown request");
    }

    private object? ExecuteAuth(InternalRaftRequest r) => r switch
    {
        { AuthEnable: not null } => _auth.Enable(),
        { AuthDisable: not null } => _auth.Disable(),
        { Authenticate: { } a } => _auth.ApplyAuthenticate(a, _applyingIndex),
        { AuthUserAdd: { } x } => _auth.UserAdd(x),
        { AuthUserDelete: { } x } => _auth.UserDelete(x),
        { AuthUserGet: { } x } => _auth.UserGet(x),
        { AuthUserChangePassword: { } x } => _auth.UserChangePassword(x),
        { AuthUserGrantRole: { } x } => _auth.UserGrantRole(x),
        { AuthUserRevokeRole: { } x } => _auth.UserRevokeRole(x),
        { AuthUserList: not null } => _auth.UserList(),
        { AuthRoleList: not null } => _auth.RoleList(),
        { AuthRoleAdd: { } x } => _auth.RoleAdd(x),
        { AuthRoleDelete: { } x } => _auth.RoleDelete(x),
        { AuthRoleGet: { } x } => _auth.RoleGet(x),
        { AuthRoleGrantPermission: { } x } => _auth.RoleGrantPermission(x),
        { AuthRoleRevokePermission: { } x } => _auth.RoleRevokePermission(x),
        _ => null,
    };

    public void EndBatch(ulong index)
    {
        if (index > _recordedIndex)
        {
            _backend.SetConsistentIndex(index);
            _recordedIndex = index;
        }
        _backend.CommitIfDue();
    }

    public void Flush() => _backend.Commit();

    /// <summary>Where the leader sends the revocations and checkpoints its lease clocks call for.</summary>
    public Action<InternalRaftRequest>? ProposeInternal { get; set; }

    // Only the leader runs lease clocks; a new leader restarts them with an election timeout of grace.
    public void Tick(bool isLeader)
    {
        if (isLeader && !_lessor.IsPrimary) _lessor.Promote(_electionTimeout);
        else if (!isLeader && _lessor.IsPrimary) _lessor.Demote();
        if (!isLeader || ProposeInternal is not { } propose) return;
        foreach (var id in _lessor.ExpiredLeases(limit: 500))
            propose(new InternalRaftRequest { LeaseRevoke = new LeaseRevokeRequest { ID = id } });
        if (_lessor.PendingCheckpoints() is { } checkpoints)
            propose(new InternalRaftRequest { LeaseCheckpoint = checkpoints });
    }
}

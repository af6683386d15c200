// Permission checks of the auth store, in etcd's order: auth off lets everything through;
// otherwise a request needs a user (revision 0 = none), a revision no older than the
// store's, an existing user, and then the root role or a cached key-range permission.
using FastKv.Api;
using FastKv.Api.Etcdserverpb;

namespace FastKv.Mvcc.Auth;

public sealed partial class AuthStore
{
    /// <summary>
    /// The check etcd's apply runs on every entry, for the user and auth revision of its
    /// header: root for auth management, key permissions for key-space requests, and write
    /// permission on the keys attached to a lease that is revoked or attached to by a put.
    /// <paramref name="attachedKeys"/> is the lessor's AttachedKeys.
    /// </summary>
    public void CheckApply(InternalRaftRequest request, Func<long, IReadOnlyList<byte[]>> attachedKeys)
    {
        if (!_enabled) return;
        var info = AuthInfo.From(request.Header);
        if (NeedsAdmin(request))
        {
            CheckAdmin(info);
            return;
        }
        if (request.Range is not null) CheckRequest(info, request.Range);
        else if (request.Put is not null)
        {
            CheckRequest(info, request.Put);
            if (request.Put.Lease != 0) CheckLeaseKeys(info, attachedKeys(request.Put.Lease));
        }
        else if (request.DeleteRange is not null) CheckRequest(info, request.DeleteRange);
        else if (request.Txn is not null) CheckRequest(info, request.Txn);
        else if (request.LeaseRevoke is not null) CheckLeaseKeys(info, attachedKeys(request.LeaseRevoke.ID));
    }

    /// <summary>Entries only a root user may apply while auth is on: all auth management.</summary>
    public static bool NeedsAdmin(InternalRaftRequest request) =>
        request.AuthEnable is not null || request.AuthDisable is not null ||
        request.AuthUserAdd is not null || request.AuthUserDelete is not null ||
        request.AuthUserChangePassword is not null || request.AuthUserGrantRole is not null ||
        request.AuthUserGet is not null || request.AuthUserRevokeRole is not null ||
        request.AuthUserList is not null || request.AuthRoleList is not null ||
        request.AuthRoleAdd is not null || request.AuthRoleDelete is not null ||
        request.AuthRoleGet is not null || request.AuthRoleGrantPermission is not null ||
        request.AuthRoleRevokePermission is not null;

    public void CheckRange(AuthInfo info, ReadOnlySpan<byte> key, ReadOnlySpan<byte> rangeEnd) =>
        CheckKeys(info, key, rangeEnd, write: false);

    public void CheckPut(AuthInfo info, ReadOnlySpan<byte> key) => CheckKeys(info, key, default, write: true);

    public void CheckDeleteRange(AuthInfo info, ReadOnlySpan<byte> key, ReadOnlySpan<byte> rangeEnd) =>
        CheckKeys(info, key, rangeEnd, write: true);

    /// <summary>A watch needs read permission on its whole range.</summary>
    public void CheckWatch(AuthInfo info, ReadOnlySpan<byte> key, ReadOnlySpan<byte> rangeEnd) =>
        CheckKeys(info, key, rangeEnd, write: false);

    public void CheckRequest(AuthInfo info, RangeRequest request) =>
        CheckRange(info, request.Key.Span, request.RangeEnd.Span);

    /// <summary>Write on the key, and read too when the previous value is returned.</summary>
    public void CheckRequest(AuthInfo info, PutRequest request)
    {
        CheckPut(info, request.Key.Span);
        if (request.PrevKv) CheckRange(info, request.Key.Span, default);
    }

    public void CheckRequest(AuthInfo info, DeleteRangeRequest request)
    {
        CheckDeleteRange(info, request.Key.Span, request.RangeEnd.Span);
        if (request.PrevKv) CheckRange(info, request.Key.Span, request.RangeEnd.Span);
    }

    /// <summary>Read on every compare, and every operation of both branches, nested transactions included.</summary>
    public void CheckRequest(AuthInfo info, TxnRequest request)
    {
        if (!_enabled) return;
        var compares = request.Compare;
        for (var i = 0; i < compares.Count; i++) CheckRange(info, compares[i].Key.Span, compares[i].RangeEnd.Span);
        CheckOps(info, request.Success);
        CheckOps(info, request.Failure);
    }

    /// <summary>
    /// Revoking a lease deletes its keys, and attaching a key to a lease lets its revoker
    /// delete it: both need write permission on every key already attached.
    /// </summary>
    public void CheckLeaseKeys(AuthInfo info, IReadOnlyList<byte[]> attachedKeys)
    {
        if (!_enabled) return;
        for (var i = 0; i < attachedKeys.Count; i++) CheckPut(info, attachedKeys[i]);
    }

    /// <summary>Operations only root may run (user/role management, auth disable, ...).</summary>
    public void CheckAdmin(AuthInfo info)
    {
        if (!_enabled) return;
        if (info.IsEmpty) throw EtcdErrors.UserEmpty();
        lock (_gate)
        {
            if (!_users.TryGetValue(info.Username!, out var user)) throw EtcdErrors.UserNotFound();
            if (!HasRootRole(user)) throw EtcdErrors.PermissionDenied();
        }
    }

    private void CheckOps(AuthInfo info, Google.Protobuf.Collections.RepeatedField<RequestOp> ops)
    {
        for (var i = 0; i < ops.Count; i++)
        {
            var op = ops[i];
            switch (op.RequestCase)
            {
                case RequestOp.RequestOneofCase.RequestRange: CheckRequest(info, op.RequestRange); break;
                case RequestOp.RequestOneofCase.RequestPut: CheckRequest(info, op.RequestPut); break;
                case RequestOp.RequestOneofCase.RequestDeleteRange: CheckRequest(info, op.RequestDeleteRange); break;
                case RequestOp.RequestOneofCase.RequestTxn: CheckRequest(info, op.RequestTxn); break;
            }
        }
    }

    private void CheckKeys(AuthInfo info, ReadOnlySpan<byte> key, ReadOnlySpan<byte> rangeEnd, bool write)
    {
        if (!_enabled) return;
        if (info.Revision == 0) throw EtcdErrors.UserEmpty();
        lock (_gate)
        {
            if (!_enabled) return;
            if (info.Revision < _revision) throw EtcdErrors.AuthOldRevision();
            if (info.Username is null || !_users.TryGetValue(info.Username, out var user)) throw EtcdErrors.PermissionDenied();
            if (HasRootRole(user)) return;
            if (!_permissions.TryGetValue(info.Username, out var perms))
            {
                perms = UserPermissions.Build(user, _roles);
                _permissions[info.Username] = perms;
            }
            if (!UserPermissions.Covers(write ? perms.Write : perms.Read, key, rangeEnd)) throw EtcdErrors.PermissionDenied();
        }
    }
}

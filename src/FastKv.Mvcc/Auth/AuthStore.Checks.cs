// Permission checks of the auth store, in etcd's order: auth off lets everything through;
// otherwise a request needs a user (revision 0 = none), a revision no older than the
// store's, an existing user, and then the root role or a cached key-range permission.
using FastKv.Api;
using FastKv.Api.Etcdserverpb;

namespace FastKv.Mvcc.Auth;

public sealed partial class AuthStore
{
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
        foreach (var compare in request.Compare) CheckRange(info, compare.Key.Span, compare.RangeEnd.Span);
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
        foreach (var key in attachedKeys) CheckPut(info, key);
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

    private void CheckOps(AuthInfo info, IEnumerable<RequestOp> ops)
    {
        foreach (var op in ops)
        {
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

// Put, DeleteRange and lease revocation on the apply thread. Every write goes into the backend's
// open batch and the pending writes (so readers see it before the batch commits), then into the
// index; the revision becomes current when the transaction ends, and its events go to the watch
// hub after that, outside the lock.
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using FastKv.Api.Mvccpb;
using Google.Protobuf;

namespace FastKv.Mvcc.Kv;

public sealed partial class KvStore
{
    private readonly WriteScope _scope = new();

    public PutResponse Put(PutRequest request)
    {
        KvRequestChecks.CheckPut(request);
        if (request.Lease != 0) CheckLeaseExists(request.Lease);
        PutResponse resp;
        _lock.EnterWriteLock();
        try
        {
            _scope.Begin(_currentRevision);
            resp = PutLocked(_scope, request);
            EndScope(_scope);
        }
        finally { _lock.ExitWriteLock(); }
        PublishScope(_scope);
        return resp;
    }

    public DeleteRangeResponse DeleteRange(DeleteRangeRequest request)
    {
        KvRequestChecks.CheckDeleteRange(request);
        DeleteRangeResponse resp;
        _lock.EnterWriteLock();
        try
        {
            _scope.Begin(_currentRevision);
            resp = DeleteRangeLocked(_scope, request);
            EndScope(_scope);
        }
        finally { _lock.ExitWriteLock(); }
        PublishScope(_scope);
        return resp;
    }

    /// <inheritdoc />
    public long DeleteKeysInOneRevision(IReadOnlyList<byte[]> keys)
    {
        long rev;
        _lock.EnterWriteLock();
        try
        {
            _scope.Begin(_currentRevision);
            foreach (var key in keys)
            {
                var ki = _index.Get(key);
                if (ki is not null && ki.IsLive) DeleteLocked(_scope, ki);
            }
            EndScope(_scope);
            rev = _currentRevision;
        }
        finally { _lock.ExitWriteLock(); }
        PublishScope(_scope);
        return rev;
    }

    private void CheckLeaseExists(long lease)
    {
        if (Leases is null || !Leases.Exists(lease)) throw EtcdErrors.LeaseNotFound();
    }

    private PutResponse PutLocked(WriteScope scope, PutRequest p)
    {
        var ki = _index.Get(p.Key.Span);
        bool live = ki is not null && ki.IsLive;
        KeyValue? prev = null;
        if (live && (p.PrevKv || p.IgnoreValue || p.IgnoreLease))
        {
            using var values = new ValueSource(this, applyThread: true);
            prev = StoredKeyValue.Parse(values.Get(ki!.Modified));
        }
        if ((p.IgnoreValue || p.IgnoreLease) && prev is null) throw EtcdErrors.KeyNotFound();
        var value = p.IgnoreValue ? prev!.Value : p.Value;
        long lease = p.IgnoreLease ? prev!.Lease : p.Lease;
        WritePut(scope, ref ki, p.Key, value, lease);
        var resp = new PutResponse { Header = new ResponseHeader { Revision = scope.Main } };
        if (p.PrevKv && prev is not null) resp.PrevKv = prev;
        return resp;
    }

    private void WritePut(WriteScope scope, ref KeyIndex? ki, ByteString key, ByteString value, long lease)
    {
        var rev = scope.Next();
        long created = rev.Main, version = 1;
        long oldLease = 0;
        if (ki is not null && ki.IsLive)
        {
            var (c, v) = ki.Current;
            created = c.Main;
            version = v + 1;
            oldLease = ki.Lease;
        }
        var bytes = StoredKeyValue.Serialize(key.Span, value.Span, created, rev.Main, version, lease);
        Span<byte> revKey = stackalloc byte[Revision.KeySize];
        rev.Write(revKey);
        _backend.Put(Storage.BucketNames.Key, revKey, bytes);
        _pending.Add(rev, false, bytes);
        ki ??= _index.GetOrAdd(key.Span);
        ki.Put(rev);
        ki.Lease = lease;
        if (Leases is { } leases)
        {
            if (oldLease != 0) leases.Detach(oldLease, ki.Key);
            if (lease != 0) leases.Attach(lease, ki.Key);
        }
        if (WatchSink is not null)
        {
            var kv = new KeyValue { Key = key, Value = value, CreateRevision = created, ModRevision = rev.Main, Version = version, Lease = lease };
            scope.Events.Add(new Event { Type = Event.Types.EventType.Put, Kv = kv });
        }
    }

    private DeleteRangeResponse DeleteRangeLocked(WriteScope scope, DeleteRangeRequest r)
    {
        var keys = scope.Keys;
        keys.Clear();
        CollectKeys(new KeyRange(r.Key.Span, r.RangeEnd.Span), scope.ReadRevision, keys);
        var resp = new DeleteRangeResponse { Header = new ResponseHeader(), Deleted = keys.Count };
        if (r.PrevKv && keys.Count > 0)
        {
            using var values = new ValueSource(this, applyThread: true);
            foreach (var ki in keys) resp.PrevKvs.Add(StoredKeyValue.Parse(values.Get(ki.Modified)));
        }
        foreach (var ki in keys) DeleteLocked(scope, ki);
        keys.Clear();
        resp.Header.Revision = scope.Wrote ? scope.Main : scope.Main - 1;
        return resp;
    }

    private void DeleteLocked(WriteScope scope, KeyIndex ki)
    {
        var rev = scope.Next();
        var bytes = StoredKeyValue.Serialize(ki.Key, default, 0, 0, 0, 0);
        Span<byte> revKey = stackalloc byte[Revision.TombstoneKeySize];
        rev.Write(revKey, tombstone: true);
        _backend.Put(Storage.BucketNames.Key, revKey, bytes);
        _pending.Add(rev, true, bytes);
        long lease = ki.Lease;
        ki.Tombstone(rev);
        if (lease != 0) Leases?.Detach(lease, ki.Key);
        if (WatchSink is not null)
            scope.Events.Add(new Event { Type = Event.Types.EventType.Delete, Kv = new KeyValue { Key = ByteString.CopyFrom(ki.Key), ModRevision = rev.Main } });
    }

    private void EndScope(WriteScope scope)
    {
        if (scope.Wrote) Volatile.Write(ref _currentRevision, scope.Main);
    }

    private void PublishScope(WriteScope scope)
    {
        if (!scope.Wrote || scope.Events.Count == 0) return;
        WatchSink?.Publish(scope.Main, scope.Events);
        scope.Events.Clear();
    }
}

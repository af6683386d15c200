// Put, DeleteRange and lease revocation on the apply thread. Every write goes into the backend's
// open batch and the pending writes (so readers see it before the batch commits), then into the
// index; the revision becomes current when the transaction ends, and its events go to the watch
// hub after that, outside the lock. Each write has a response-building entry (Put) and, where
// the apply must not allocate, one that only applies (ApplyPut); both share the same core.
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
        var (revision, prev) = PutInOwnRevision(request, wantPrev: request.PrevKv);
        var resp = new PutResponse { Header = new ResponseHeader { Revision = revision } };
        if (prev is not null) resp.PrevKv = prev;
        return resp;
    }

    /// <summary>
    /// Applies a put exactly as <see cref="Put(PutRequest)"/> does but builds no response (an apply
    /// whose answer nobody reads, or one the caller encodes itself); returns the put's revision.
    /// Allocates nothing once warm for a key that exists, apart from the watch event when a
    /// watch hub is attached.
    /// </summary>
    public long ApplyPut(PutRequest request) => PutInOwnRevision(request, wantPrev: false).Revision;

    private (long Revision, KeyValue? Prev) PutInOwnRevision(PutRequest request, bool wantPrev)
    {
        KvRequestChecks.CheckPut(request);
        if (request.Lease != 0) CheckLeaseExists(request.Lease);
        long rev;
        KeyValue? prev;
        _lock.EnterWriteLock();
        try
        {
            _scope.Begin(_currentRevision);
            prev = ApplyPutLocked(_scope, request, wantPrev);
            EndScope(_scope);
            rev = _scope.Main;
        }
        finally { _lock.ExitWriteLock(); }
        PublishScope(_scope);
        return (rev, prev);
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
        var prev = ApplyPutLocked(scope, p, wantPrev: p.PrevKv);
        var resp = new PutResponse { Header = new ResponseHeader { Revision = scope.Main } };
        if (prev is not null) resp.PrevKv = prev;
        return resp;
    }

    // The put itself; returns the key's previous KeyValue when asked for and the key was live.
    private KeyValue? ApplyPutLocked(WriteScope scope, PutRequest p, bool wantPrev)
    {
        var ki = _index.Get(p.Key.Span);
        bool live = ki is not null && ki.IsLive;
        bool ignore = p.IgnoreValue || p.IgnoreLease;
        if (ignore && !live) throw EtcdErrors.KeyNotFound();
        if (!live || !(wantPrev || ignore))
        {
            WritePut(scope, ref ki, p.Key, p.Value.Span, p.Value, p.Lease);
            return null;
        }
        using var values = new ValueSource(this, applyThread: true);
        var stored = values.Get(ki!.Modified);
        var prev = wantPrev ? StoredKeyValue.Parse(stored) : null;
        if (!ignore)
        {
            WritePut(scope, ref ki, p.Key, p.Value.Span, p.Value, p.Lease);
            return prev;
        }
        // ignore_value / ignore_lease keep the previous value or lease, read from the stored bytes.
        ReadOnlySpan<byte> prevValue;
        ByteString? prevValueString = null;
        long prevLease;
        if (StoredKeyValueLayout.TryScan(stored, out var layout))
        {
            prevValue = layout.Value(stored);
            prevLease = layout.Lease;
        }
        else
        {
            var parsed = prev ?? StoredKeyValue.Parse(stored);
            prevValueString = parsed.Value;
            prevValue = parsed.Value.Span;
            prevLease = parsed.Lease;
        }
        if (p.IgnoreValue) WritePut(scope, ref ki, p.Key, prevValue, prevValueString, p.IgnoreLease ? prevLease : p.Lease);
        else WritePut(scope, ref ki, p.Key, p.Value.Span, p.Value, prevLease);
        return prev;
    }

    // `valueString` is the value as a ByteString when the caller has one (the watch event shares it).
    private void WritePut(WriteScope scope, ref KeyIndex? ki, ByteString key, ReadOnlySpan<byte> value, ByteString? valueString, long lease)
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
        if (WatchSink is not null)
        {
            var kv = new KeyValue { Key = key, Value = valueString ?? ByteString.CopyFrom(value), CreateRevision = created, ModRevision = rev.Main, Version = version, Lease = lease };
            scope.Events.Add(new Event { Type = Event.Types.EventType.Put, Kv = kv });
        }
        var bytes = _pending.Reserve(StoredKeyValue.Size(key.Length, value.Length, created, rev.Main, version, lease));
        StoredKeyValue.Write(bytes.Span, key.Span, value, created, rev.Main, version, lease);
        Span<byte> revKey = stackalloc byte[Revision.KeySize];
        rev.Write(revKey);
        _backend.AppendPut(Storage.BucketNames.Key, revKey, bytes.Span);
        _pending.Add(rev, false, bytes);
        ki ??= _index.GetOrAdd(key.Span);
        ki.Put(rev);
        ki.Lease = lease;
        if (Leases is { } leases)
        {
            if (oldLease != 0) leases.Detach(oldLease, ki.Key);
            if (lease != 0) leases.Attach(lease, ki.Key);
        }
    }

    private DeleteRangeResponse DeleteRangeLocked(WriteScope scope, DeleteRangeRequest r)
    {
        var resp = new DeleteRangeResponse { Header = new ResponseHeader() };
        resp.Deleted = ApplyDeleteRangeLocked(scope, r, r.PrevKv ? resp.PrevKvs : null);
        resp.Header.Revision = scope.Wrote ? scope.Main : scope.Main - 1;
        return resp;
    }

    // The deletion itself; adds the deleted keys' last values to `prevKvs` when given. Returns how many were deleted.
    private int ApplyDeleteRangeLocked(WriteScope scope, DeleteRangeRequest r, Google.Protobuf.Collections.RepeatedField<KeyValue>? prevKvs)
    {
        var keys = scope.Keys;
        keys.Clear();
        CollectKeys(new KeyRange(r.Key.Span, r.RangeEnd.Span), scope.ReadRevision, keys);
        int deleted = keys.Count;
        if (prevKvs is not null && deleted > 0)
        {
            using var values = new ValueSource(this, applyThread: true);
            foreach (var ki in keys) prevKvs.Add(StoredKeyValue.Parse(values.Get(ki.Modified)));
        }
        foreach (var ki in keys) DeleteLocked(scope, ki);
        keys.Clear();
        return deleted;
    }

    private void DeleteLocked(WriteScope scope, KeyIndex ki)
    {
        var rev = scope.Next();
        var bytes = _pending.Reserve(StoredKeyValue.Size(ki.Key.Length, 0, 0, 0, 0, 0));
        StoredKeyValue.Write(bytes.Span, ki.Key, default, 0, 0, 0, 0);
        Span<byte> revKey = stackalloc byte[Revision.TombstoneKeySize];
        rev.Write(revKey, tombstone: true);
        _backend.AppendPut(Storage.BucketNames.Key, revKey, bytes.Span);
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

// The multi-version key space: etcd's revisions over the `key` bucket, an in-memory index of
// every key's generations, and the state shared by reads (any thread) and writes (the apply
// thread). Reads take the reader side of one lock, each write transaction the writer side, so a
// read sees whole revisions only. This file owns opening (rebuilding the index from the page
// file) and the shared state; reads, writes, transactions, compaction, hashing and history
// live in the other KvStore.*.cs files.
using FastKv.Bolt;
using FastKv.Mvcc.Storage;

namespace FastKv.Mvcc.Kv;

public sealed partial class KvStore : IWatchHistory, ILeaseRevokeTarget, IDisposable
{
    private readonly Backend _backend;
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly KeyIndexTree _index = new();
    private readonly PendingWrites _pending = new();
    private long _currentRevision;
    private long _compactRevision;

    public KvStore(Backend backend, IWatchEventSink? watchSink = null, ILeaseAttachments? leases = null)
    {
        _backend = backend;
        WatchSink = watchSink;
        Leases = leases;
        long scheduled = RestoreIndex();
        _backend.OnCommitted += OnBatchCommitted;
        _backend.RegisterApplyTickWork(CompactStep);
        if (leases is not null) AttachLeasedKeys(leases);
        if (scheduled > _compactRevision)
            ScheduleCompaction(scheduled, persist: false, done: null);
    }

    /// <summary>Where each revision's events go (the watch hub); settable because the hub and the store are built in either order.</summary>
    public IWatchEventSink? WatchSink { get; set; }

    /// <summary>The lessor; settable because the lessor needs the store as its revoke target.</summary>
    public ILeaseAttachments? Leases { get; set; }

    public long CurrentRevision => Volatile.Read(ref _currentRevision);

    public long CompactRevision => Volatile.Read(ref _compactRevision);

    /// <summary>Live keys in the index.</summary>
    public int KeyCount
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                int n = 0;
                foreach (var ki in _index.All()) if (ki.IsLive) n++;
                return n;
            }
            finally { _lock.ExitReadLock(); }
        }
    }

    /// <summary>Tells the lessor which live keys are attached to which lease (after opening, when the lessor was built later).</summary>
    public void AttachLeasedKeys(ILeaseAttachments leases)
    {
        _lock.EnterReadLock();
        try
        {
            foreach (var ki in _index.All())
                if (ki.IsLive && ki.Lease != 0 && leases.Exists(ki.Lease))
                    leases.Attach(ki.Lease, ki.Key);
        }
        finally { _lock.ExitReadLock(); }
    }

    // Returns the scheduled-but-unfinished compaction revision, if any.
    private long RestoreIndex()
    {
        using var tx = _backend.BeginRead();
        long finished = 0, scheduled = 0;
        var meta = tx.GetBucket(Storage.BucketNames.Meta);
        if (meta is not null)
        {
            if (meta.TryGet(MetaKeys.FinishedCompactRev, out var f)) finished = MetaKeys.ReadRevision(f);
            if (meta.TryGet(MetaKeys.ScheduledCompactRev, out var s)) scheduled = MetaKeys.ReadRevision(s);
        }
        long current = 0;
        var keys = tx.GetBucket(Storage.BucketNames.Key);
        if (keys is not null)
        {
            var cursor = keys.Cursor();
            for (bool ok = cursor.First(out var k, out var v); ok; ok = cursor.Next(out k, out v))
            {
                if (!Revision.TryParse(k, out var rev, out bool tomb))
                    throw new InvalidDataException($"key bucket holds a key that is not a revision ({Convert.ToHexString(k)})");
                if (!StoredKeyValue.TryReadHeader(v, out var key, out long created, out long version, out long lease) || key.IsEmpty)
                    throw new InvalidDataException($"revision {rev} holds a malformed KeyValue");
                if (rev.Main > current) current = rev.Main;
                var ki = _index.Get(key);
                if (tomb)
                {
                    ki?.Tombstone(rev);
                    continue;
                }
                if (ki is null)
                {
                    ki = _index.GetOrAdd(key);
                    ki.Restore(new Revision(created, 0), rev, version);
                }
                else ki.Put(rev);
                ki.Lease = lease;
            }
        }
        // Keys whose only remaining record was a tombstone leave nothing behind.
        _index.RemoveWhere(ki => ki.IsEmpty);
        _compactRevision = finished;
        // Like etcd, an empty key space is at revision 1, so the first write is revision 2.
        _currentRevision = Math.Max(Math.Max(current, finished), 1);
        return scheduled;
    }

    private void OnBatchCommitted()
    {
        _lock.EnterWriteLock();
        try
        {
            _pending.Clear();
            DropSharedRead();
        }
        finally { _lock.ExitWriteLock(); }
        CompleteCommittedCompactions();
    }

    private SharedReadTx? _sharedRead;
    private readonly Lock _sharedReadGate = new();

    // Readers hold the reader lock here, so no commit can drop the transaction between the read and the AddRef.
    private SharedReadTx AcquireSharedRead()
    {
        var shared = Volatile.Read(ref _sharedRead);
        if (shared is null)
        {
            lock (_sharedReadGate)
            {
                shared = _sharedRead;
                if (shared is null)
                {
                    shared = new SharedReadTx(_backend);
                    Volatile.Write(ref _sharedRead, shared);
                }
            }
        }
        shared.AddRef();
        return shared;
    }

    // The writer lock is held: no reader is between reading the field and taking its reference.
    private void DropSharedRead()
    {
        var old = _sharedRead;
        _sharedRead = null;
        old?.Release();
    }

    public void Dispose()
    {
        _backend.OnCommitted -= OnBatchCommitted;
        _backend.UnregisterApplyTickWork(CompactStep);
        _lock.EnterWriteLock();
        try { DropSharedRead(); }
        finally { _lock.ExitWriteLock(); }
        // A sweep cut short by closing resumes when the file is opened again; its waiters here are gone.
        CancelCompactionWaiters();
    }

    // Looks values up by revision: the apply thread reads its own open batch; other threads
    // read the pending writes first and then a read transaction on the last committed batch.
    private struct ValueSource : IDisposable
    {
        private readonly KvStore _store;
        private readonly bool _applyThread;
        private SharedReadTx? _shared;
        private Bucket? _bucket;
        [ThreadStatic] private static byte[]? t_key;

        public ValueSource(KvStore store, bool applyThread)
        {
            _store = store;
            _applyThread = applyThread;
        }

        public ReadOnlySpan<byte> Get(Revision rev)
        {
            var k = t_key ??= new byte[Revision.KeySize];
            rev.Write(k);
            if (_applyThread)
            {
                _bucket ??= _store._backend.BatchBucket(Storage.BucketNames.Key);
            }
            else
            {
                // The caller holds the lock, so the pending value stays valid while it reads.
                if (_store._pending.TryGet(rev, out var pendingValue)) return pendingValue.Span;
                if (_bucket is null)
                {
                    _shared = _store.AcquireSharedRead();
                    _bucket = _shared.Keys;
                }
            }
            if (_bucket.TryGet(k, out var v)) return v;
            throw new InvalidOperationException($"revision {rev} is in the index but not in the key bucket");
        }

        public void Dispose()
        {
            _shared?.Release();
            _shared = null;
            _bucket = null;
        }
    }
}

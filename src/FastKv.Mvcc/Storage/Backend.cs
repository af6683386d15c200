// Owns the page file of a member and its one batched write transaction. Writers (the apply
// thread only) put into the open batch; the batch commits when BatchLimit writes have
// accumulated or BatchInterval has passed, because the WAL already made every applied entry
// durable. Readers on other threads use BeginRead and see the last committed batch; a layer
// that must show applied-but-uncommitted writes keeps its own buffer of them (see the
// OnCommitted hook).
using System.Buffers.Binary;
using System.Diagnostics;
using FastKv.Bolt;

namespace FastKv.Mvcc.Storage;

public sealed class Backend : IDisposable
{
    private readonly BackendOptions _options;
    private Tx? _batch;
    private int _pending;
    private long _batchStartedTicks;

    private Backend(BoltDb db, BackendOptions options)
    {
        Db = db;
        _options = options;
    }

    /// <summary>Opens (or creates) the file and makes sure every etcd bucket exists.</summary>
    public static Backend Open(string path, BackendOptions? options = null)
    {
        options ??= new BackendOptions();
        var db = BoltDb.Open(path, new BoltOptions { NoSync = options.NoSync, NoFreelistSync = true });
        try
        {
            db.Update(tx =>
            {
                foreach (var name in BucketNames.All())
                    tx.CreateBucketIfNotExists(name);
            });
        }
        catch
        {
            db.Dispose();
            throw;
        }
        return new Backend(db, options);
    }

    public BoltDb Db { get; }

    /// <summary>Raised on the apply thread right after a batch commit became visible to readers.</summary>
    public event Action? OnCommitted;

    /// <summary>Told how long each batch commit took (write, fdatasync, meta): etcd's backend commit latency metric.</summary>
    public Action<TimeSpan>? CommitObserver { get; set; }

    /// <summary>Writes waiting in the open batch.</summary>
    public int PendingWrites => _pending;

    /// <summary>The open batch transaction, begun on first use. Apply thread only.</summary>
    public Tx Batch
    {
        get
        {
            if (_batch is null)
            {
                _batch = Db.BeginWrite();
                _batchStartedTicks = _options.Time.GetTimestamp();
            }
            return _batch;
        }
    }

    public Bucket BatchBucket(ReadOnlySpan<byte> name) =>
        Batch.GetBucket(name) ?? throw new InvalidOperationException($"bucket {System.Text.Encoding.ASCII.GetString(name)} is missing");

    public void Put(ReadOnlySpan<byte> bucket, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        BatchBucket(bucket).Put(key, value);
        _pending++;
    }

    public void Delete(ReadOnlySpan<byte> bucket, ReadOnlySpan<byte> key)
    {
        BatchBucket(bucket).Delete(key);
        _pending++;
    }

    /// <summary>The raft index of the last applied entry, kept in the same batch as its effects.</summary>
    public void SetConsistentIndex(ulong index)
    {
        Span<byte> v = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(v, index);
        BatchBucket(BucketNames.Meta).Put("consistent_index"u8, v);
    }

    /// <summary>The consistent index as last committed (0 for a fresh file).</summary>
    public ulong ReadConsistentIndex()
    {
        using var tx = Db.BeginRead();
        var meta = tx.GetBucket(BucketNames.Meta);
        return meta is not null && meta.TryGet("consistent_index"u8, out var v) && v.Length == 8
            ? BinaryPrimitives.ReadUInt64BigEndian(v)
            : 0;
    }

    private readonly List<Func<bool>> _tickWork = [];

    /// <summary>
    /// Registers background work the apply thread advances by one short slice on every
    /// <see cref="CommitIfDue"/> (the key space's physical compaction): page-file writes are
    /// apply-thread only, and slicing keeps each apply-loop turn short. The step returns true
    /// while more work remains.
    /// </summary>
    public void RegisterApplyTickWork(Func<bool> step) => _tickWork.Add(step);

    public void UnregisterApplyTickWork(Func<bool> step) => _tickWork.Remove(step);

    /// <summary>Commits when the batch is full or old enough. Call after each apply and on idle ticks.</summary>
    public bool CommitIfDue()
    {
        for (int i = 0; i < _tickWork.Count; i++) _tickWork[i]();
        if (_batch is null) return false;
        if (_pending < _options.BatchLimit &&
            _options.Time.GetElapsedTime(_batchStartedTicks) < _options.BatchInterval)
            return false;
        Commit();
        return true;
    }

    /// <summary>Commits the open batch now (snapshots, defragmentation, shutdown).</summary>
    public void Commit()
    {
        if (_batch is null) return;
        var tx = _batch;
        _batch = null;
        _pending = 0;
        var started = Stopwatch.GetTimestamp();
        tx.Commit();
        CommitObserver?.Invoke(Stopwatch.GetElapsedTime(started));
        OnCommitted?.Invoke();
    }

    /// <summary>A read transaction on the last committed batch.</summary>
    public Tx BeginRead() => Db.BeginRead();

    /// <summary>Bytes the file occupies.</summary>
    public long Size => new FileInfo(Db.Path).Length;

    /// <summary>Bytes in use: the file's high-water mark minus free pages is approximated by the meta's high-water mark.</summary>
    public long SizeInUse => (long)Db.CurrentMeta.Pgid * Db.PageSize;

    public void Dispose()
    {
        if (_batch is not null)
        {
            Commit();
        }
        Db.Dispose();
    }
}

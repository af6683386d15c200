// Owns the page file of a member and its one batched write transaction. Writers (the apply
// thread only) put into the open batch; the batch commits when BatchLimit writes have
// accumulated or BatchInterval has passed, because the WAL already made every applied entry
// durable. Readers on other threads use BeginRead and see the last committed batch; a layer
// that must show applied-but-uncommitted writes keeps its own buffer of them (see the
// OnCommitted hook). A defragmentation (Defragmenter.cs) replaces the file underneath: Db
// changes then, so callers ask for it each time rather than keep it.
using System.Buffers.Binary;
using System.Diagnostics;
using System.Collections.Concurrent;
using FastKv.Bolt;

namespace FastKv.Mvcc.Storage;

public sealed class Backend : IDisposable
{
    private readonly BackendOptions _options;
    private Tx? _batch;
    private int _pending;
    private long _batchStartedTicks;
    private BoltDb _db;
    private volatile WrittenKeys? _written;
    private readonly ConcurrentQueue<(Action Work, TaskCompletionSource Done)> _writerWork = new();
    private readonly Lock _defragGate = new();
    private Task<DefragResult>? _defrag;
    private volatile bool _disposed;

    private Backend(BoltDb db, BackendOptions options)
    {
        _db = db;
        _options = options;
    }

    /// <summary>Opens (or creates) the file and makes sure every etcd bucket exists.</summary>
    public static Backend Open(string path, BackendOptions? options = null)
    {
        options ??= new BackendOptions();
        var db = BoltDb.Open(path, BoltOptionsFor(options));
        // Under the file's lock: a defragmentation cut short by a crash left its half-built copy.
        Defragmenter.RemoveLeftovers(Defragmenter.TemporaryPath(path));
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

    internal static BoltOptions BoltOptionsFor(BackendOptions options) =>
        new() { NoSync = options.NoSync, NoFreelistSync = true };

    internal BackendOptions Options => _options;

    /// <summary>The page file now; a defragmentation replaces it, so do not keep the reference.</summary>
    public BoltDb Db => Volatile.Read(ref _db);

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

    /// <summary>
    /// A bucket of the open batch, for reads on the writer thread. Write through
    /// <see cref="Put"/> and <see cref="Delete"/>: a running defragmentation learns of writes there.
    /// </summary>
    public Bucket BatchBucket(ReadOnlySpan<byte> name) =>
        Batch.GetBucket(name) ?? throw new InvalidOperationException($"bucket {System.Text.Encoding.ASCII.GetString(name)} is missing");

    public void Put(ReadOnlySpan<byte> bucket, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) =>
        PutInto(BatchBucket(bucket), bucket, key, value);

    /// <summary>
    /// A put whose key sorts after every key already in the bucket (the key space's revisions): its
    /// leaves split at 90% full instead of half, since nothing will be inserted into them later.
    /// Half-full splits left an append-only bucket nearly twice etcd's size.
    /// </summary>
    public void AppendPut(ReadOnlySpan<byte> bucket, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        var target = BatchBucket(bucket);
        target.FillPercent = SequentialFillPercent;
        PutInto(target, bucket, key, value);
    }

    private void PutInto(Bucket target, ReadOnlySpan<byte> bucket, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        target.Put(key, value);
        _written?.Record(bucket, key);
        _pending++;
    }

    /// <summary>
    /// etcd's fill percent for pages written in key order: the key space's appended revisions, and
    /// every bucket of a defragmented copy.
    /// </summary>
    internal const double SequentialFillPercent = 0.9;

    public void Delete(ReadOnlySpan<byte> bucket, ReadOnlySpan<byte> key)
    {
        BatchBucket(bucket).Delete(key);
        _written?.Record(bucket, key);
        _pending++;
    }

    /// <summary>The raft index of the last applied entry, kept in the same batch as its effects.</summary>
    public void SetConsistentIndex(ulong index)
    {
        Span<byte> v = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(v, index);
        BatchBucket(BucketNames.Meta).Put("consistent_index"u8, v);
        _written?.Record(BucketNames.Meta, "consistent_index"u8);
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
        RunWriterWork();
        if (_batch is null) return false;
        if (_pending < _options.BatchLimit &&
            _options.Time.GetElapsedTime(_batchStartedTicks) < _options.BatchInterval)
            return false;
        Commit();
        return true;
    }

    /// <summary>
    /// Queues work for the writer thread, which runs it at its next <see cref="CommitIfDue"/>:
    /// the steps of a defragmentation that must not race a write (starting to record writes,
    /// the final switch of files).
    /// </summary>
    internal Task RunOnWriterAsync(Action work)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _writerWork.Enqueue((work, done));
        // Dispose may have drained the queue just before the enqueue.
        if (_disposed) FailWriterWork();
        return done.Task;
    }

    private void RunWriterWork()
    {
        while (_writerWork.TryDequeue(out var item))
        {
            try
            {
                item.Work();
                item.Done.TrySetResult();
            }
            catch (Exception e)
            {
                item.Done.TrySetException(e);
            }
        }
    }

    private void FailWriterWork()
    {
        while (_writerWork.TryDequeue(out var item))
            item.Done.TrySetException(new ObjectDisposedException(nameof(Backend)));
    }

    /// <summary>
    /// Rewrites the page file compactly while reads and writes go on; writes wait only for the
    /// final switch of files. The writer thread must keep calling <see cref="CommitIfDue"/>
    /// (the apply loop does), since the defragmentation's switching steps run there. A call made
    /// while one runs joins it.
    /// </summary>
    public Task<DefragResult> DefragmentAsync(DefragOptions? options = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_defragGate)
        {
            if (_defrag is { IsCompleted: false } running) return running;
            _defrag = Task.Run(() => new Defragmenter(this, options ?? new DefragOptions()).RunAsync());
            return _defrag;
        }
    }

    /// <summary>Writer thread, batch empty: from now on every write is recorded for a defragmentation to catch up on.</summary>
    internal WrittenKeys StartRecordingWrites()
    {
        if (_batch is not null) throw new InvalidOperationException("recording must start between batches");
        var written = new WrittenKeys();
        _written = written;
        return written;
    }

    /// <summary>Stops <paramref name="written"/>, unless a later defragmentation already replaced it.</summary>
    internal void StopRecordingWrites(WrittenKeys? written)
    {
        if (written is not null) Interlocked.CompareExchange(ref _written, null, written);
    }

    /// <summary>
    /// Writer thread, batch empty: <paramref name="replacement"/> (already renamed over this
    /// file's path) becomes the page file. Readers holding transactions on the old file keep its
    /// mapping until they finish; new readers get the new file.
    /// </summary>
    internal void SwapDatabase(BoltDb replacement)
    {
        if (_batch is not null) throw new InvalidOperationException("the file can be swapped only between batches");
        var old = _db;
        // The old file is unlinked now (the rename replaced its name); whoever lets go of its
        // last mapping makes the kernel free its blocks, which takes about a second per GB on
        // ext4. That must not be this thread (writes wait) nor a layer's lock held while it drops
        // its cached transaction (reads would wait), so a transaction kept here holds the file
        // until the other readers are done and is then closed in the background.
        var keepAlive = old.BeginRead();
        Volatile.Write(ref _db, replacement);
        _written = null;
        old.Dispose();
        // Layers that cache a read transaction (the key space) drop it and open one on the new file.
        OnCommitted?.Invoke();
        _ = Task.Run(() => ReleaseWhenUnread(old, keepAlive));
    }

    private static async Task ReleaseWhenUnread(BoltDb old, Tx keepAlive)
    {
        // Readers finish in milliseconds; a snapshot stream may take minutes, and then its thread
        // pays for the release instead.
        for (int i = 0; i < 600 && old.OpenReaders > 1; i++)
            await Task.Delay(100).ConfigureAwait(false);
        keepAlive.Dispose();
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
        _written?.BatchCommitted();
        OnCommitted?.Invoke();
    }

    /// <summary>A read transaction on the last committed batch.</summary>
    public Tx BeginRead()
    {
        while (true)
        {
            var db = Db;
            try
            {
                return db.BeginRead();
            }
            catch (BoltException) when (!ReferenceEquals(db, Db))
            {
                // A defragmentation closed this file between reading the field and beginning the
                // transaction; the new file is in place, so begin there.
            }
        }
    }

    /// <summary>
    /// The database size as etcd reports and limits it: the page file's high-water mark at the
    /// last commit (not the file's length, which grows ahead in steps). Read on every put for the
    /// quota check, so it comes from memory.
    /// </summary>
    public long Size => Db.HighWaterBytes;

    /// <summary>The size less the pages free after the last commit, as etcd's dbSizeInUse.</summary>
    public long SizeInUse => Db.HighWaterBytes - Db.FreePageBytes;

    public void Dispose()
    {
        _disposed = true;
        FailWriterWork();
        if (_batch is not null)
        {
            Commit();
        }
        Db.Dispose();
    }
}

// Loads a tree into a fresh database in bounded write transactions, for compaction and repair:
// the caller enters and leaves buckets as it walks its source and puts keys in order; every few
// megabytes the loader commits and reopens the path of buckets it is in.
namespace FastKv.Bolt;

internal sealed class BulkLoader : IDisposable
{
    private readonly BoltDb _db;
    private readonly long _batchBytes;
    private readonly double _fillPercent;
    private readonly List<byte[]> _path = new();
    private readonly List<Bucket> _open = new();
    private Tx? _tx;
    private long _pending;
    private bool _changed;

    public BulkLoader(BoltDb db, long batchBytes, double fillPercent, ulong rootSequence)
    {
        _db = db;
        _batchBytes = batchBytes;
        _fillPercent = fillPercent;
        _tx = db.BeginWrite();
        if (rootSequence != 0)
        {
            _tx.Root.SetSequence(rootSequence);
            _changed = true;
        }
    }

    /// <summary>How many buckets deep the loader is; 0 is the root.</summary>
    public int Depth => _open.Count;

    /// <summary>Names of the buckets the loader is in, outermost first.</summary>
    public IReadOnlyList<byte[]> Path => _path;

    public Bucket Current => _open.Count == 0 ? Tx.Root : _open[^1];

    private Tx Tx => _tx ?? throw BoltException.TxClosed();

    /// <summary>Opens (or creates) <paramref name="name"/> in the current bucket and makes it current.</summary>
    public Bucket EnterBucket(ReadOnlySpan<byte> name, ulong sequence, out bool created)
    {
        var bucket = Current.GetBucket(name);
        created = bucket is null;
        bucket ??= Current.CreateBucket(name);
        if (sequence > bucket.Sequence) bucket.SetSequence(sequence);
        bucket.FillPercent = _fillPercent;
        _path.Add(name.ToArray());
        _open.Add(bucket);
        Account(name.Length);
        return bucket;
    }

    public void ExitBucket()
    {
        _path.RemoveAt(_path.Count - 1);
        _open.RemoveAt(_open.Count - 1);
    }

    public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        Current.Put(key, value);
        Account(key.Length + value.Length);
    }

    private void Account(long bytes)
    {
        _changed = true;
        _pending += bytes;
        if (_pending < _batchBytes) return;
        Tx.Commit();
        _pending = 0;
        _changed = false;
        _tx = _db.BeginWrite();
        for (int i = 0; i < _path.Count; i++)
        {
            var parent = i == 0 ? _tx.Root : _open[i - 1];
            _open[i] = parent.GetBucket(_path[i]) ?? throw new BoltException("a bucket vanished between bulk-load commits");
            _open[i].FillPercent = _fillPercent;
        }
    }

    /// <summary>Commits what is pending; an empty transaction is rolled back rather than committed.</summary>
    public void Finish()
    {
        if (_changed) Tx.Commit();
        else Tx.Rollback();
        _tx = null;
    }

    /// <summary>Rolls back an unfinished batch, so the database can close after a failed load.</summary>
    public void Dispose()
    {
        _tx?.Rollback();
        _tx = null;
    }
}

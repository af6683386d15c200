// Copies what the walk of a damaged file can read into a fresh database: buckets (with their
// sequences), keys and values. The first copy of a key wins (a subtree reachable twice yields its
// keys twice). Commits every so many puts so memory stays bounded on large files; the database is
// opened with NoSync and the caller syncs the file once at the end.
using FastKv.Bolt.Check;
using FastKv.Bolt.Format;

namespace FastKv.Bolt.Repair;

internal sealed class RepairWriter : ITreeVisitor
{
    private const int PutsPerCommit = 100_000;
    /// <summary>Keys arrive in order, so pages can be packed: nearly full, with room for a few later inserts.</summary>
    private const double FillPercent = 0.9;

    private readonly BoltDb _db;
    private readonly List<byte[]> _path = new();
    private readonly List<Bucket> _open = new();
    private readonly List<DroppedData> _dropped = new();
    private Tx _tx;
    private long _putsSinceCommit;
    private bool _changedSinceCommit;

    public long KeysKept { get; private set; }
    public long BucketsKept { get; private set; }
    public long DuplicateKeys { get; private set; }
    public IReadOnlyList<DroppedData> Dropped => _dropped;

    public RepairWriter(BoltDb db, ulong rootSequence)
    {
        _db = db;
        _tx = db.BeginWrite();
        if (rootSequence != 0)
        {
            _tx.Root.SetSequence(rootSequence);
            _changedSinceCommit = true;
        }
    }

    private Bucket Current => _open.Count == 0 ? _tx.Root : _open[^1];

    public void OnDropped(DroppedData dropped) => _dropped.Add(dropped);

    public bool OnBucketEnter(ReadOnlySpan<byte> name, in BucketHeader header, bool inline)
    {
        Bucket bucket;
        try
        {
            var existing = Current.GetBucket(name);
            bucket = existing ?? Current.CreateBucket(name);
            if (existing == null) BucketsKept++;
        }
        catch (BoltException e)
        {
            DropHere(null, "bucket-not-copied", $"bucket {KeyText.Format(name)} could not be created: {e.Message}", $"bucket {KeyText.Format(name)}", null);
            return false;
        }
        if (header.Sequence > bucket.Sequence) bucket.SetSequence(header.Sequence);
        _changedSinceCommit = true;
        bucket.FillPercent = FillPercent;
        _path.Add(name.ToArray());
        _open.Add(bucket);
        return true;
    }

    public void OnBucketExit()
    {
        _path.RemoveAt(_path.Count - 1);
        _open.RemoveAt(_open.Count - 1);
    }

    public void OnKeyValue(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (_open.Count == 0)
        {
            // bbolt keeps only buckets in the root; a plain value there is garbage its tools cannot handle.
            DropHere(null, "root-level-key", $"key {KeyText.Format(key)} is a plain value in the root bucket, where only buckets belong", $"key {KeyText.Format(key)} in the root bucket", 1);
            return;
        }
        var bucket = Current;
        if (bucket.TryGet(key, out _))
        {
            DuplicateKeys++;
            return;
        }
        try
        {
            bucket.Put(key, value);
        }
        catch (BoltException e)
        {
            DropHere(null, "key-not-copied", $"key {KeyText.Format(key)} could not be written: {e.Message}", $"key {KeyText.Format(key)}", 1);
            return;
        }
        KeysKept++;
        _changedSinceCommit = true;
        if (++_putsSinceCommit >= PutsPerCommit) CommitAndContinue();
    }

    private void DropHere(ulong? page, string rule, string message, string what, long? keysLost) =>
        _dropped.Add(new DroppedData(new CheckProblem(page, rule, message), what, keysLost) { BucketPath = _path.ToArray() });

    /// <summary>Commits and reopens the buckets on the current path in a new transaction.</summary>
    private void CommitAndContinue()
    {
        _tx.Commit();
        _putsSinceCommit = 0;
        _changedSinceCommit = false;
        _tx = _db.BeginWrite();
        for (int i = 0; i < _path.Count; i++)
        {
            var parent = i == 0 ? _tx.Root : _open[i - 1];
            _open[i] = parent.GetBucket(_path[i]) ?? throw new BoltException($"bucket {KeyText.Format(_path[i])} vanished between repair commits");
            _open[i].FillPercent = FillPercent;
        }
    }

    /// <summary>Commits what is pending; a transaction with nothing in it is rolled back rather than written as an empty commit.</summary>
    public void Finish()
    {
        if (_changedSinceCommit) _tx.Commit();
        else _tx.Rollback();
    }

    public void Abandon() => _tx.Rollback();
}

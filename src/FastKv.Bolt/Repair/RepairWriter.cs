// Copies what the walk of a damaged file can read into a fresh database: buckets (with their
// sequences), keys and values. The first copy of a key wins (a subtree reachable twice yields its
// keys twice). The bulk loader commits every few megabytes so memory stays bounded on large files;
// the database is opened with NoSync and the caller syncs the file once at the end.
using FastKv.Bolt.Check;
using FastKv.Bolt.Format;

namespace FastKv.Bolt.Repair;

internal sealed class RepairWriter : ITreeVisitor
{
    /// <summary>Keys arrive in order, so pages can be packed: nearly full, with room for a few later inserts.</summary>
    private const double FillPercent = 0.9;

    private readonly BulkLoader _loader;
    private readonly List<DroppedData> _dropped = new();

    public long KeysKept { get; private set; }
    public long BucketsKept { get; private set; }
    public long DuplicateKeys { get; private set; }
    public IReadOnlyList<DroppedData> Dropped => _dropped;

    public RepairWriter(BoltDb db, ulong rootSequence) =>
        _loader = new BulkLoader(db, Compaction.DefaultBatchBytes, FillPercent, rootSequence);

    public void OnDropped(DroppedData dropped) => _dropped.Add(dropped);

    public bool OnBucketEnter(ReadOnlySpan<byte> name, in BucketHeader header, bool inline)
    {
        try
        {
            _loader.EnterBucket(name, header.Sequence, out bool created);
            if (created) BucketsKept++;
            return true;
        }
        catch (BoltException e)
        {
            DropHere(null, "bucket-not-copied", $"bucket {KeyText.Format(name)} could not be created: {e.Message}", $"bucket {KeyText.Format(name)}", null);
            return false;
        }
    }

    public void OnBucketExit() => _loader.ExitBucket();

    public void OnKeyValue(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (_loader.Depth == 0)
        {
            // bbolt keeps only buckets in the root; a plain value there is garbage its tools cannot handle.
            DropHere(null, "root-level-key", $"key {KeyText.Format(key)} is a plain value in the root bucket, where only buckets belong", $"key {KeyText.Format(key)} in the root bucket", 1);
            return;
        }
        if (_loader.Current.TryGet(key, out _))
        {
            DuplicateKeys++;
            return;
        }
        try
        {
            _loader.Put(key, value);
        }
        catch (BoltException e)
        {
            DropHere(null, "key-not-copied", $"key {KeyText.Format(key)} could not be written: {e.Message}", $"key {KeyText.Format(key)}", 1);
            return;
        }
        KeysKept++;
    }

    private void DropHere(ulong? page, string rule, string message, string what, long? keysLost) =>
        _dropped.Add(new DroppedData(new CheckProblem(page, rule, message), what, keysLost) { BucketPath = _loader.Path.ToArray() });

    /// <summary>Commits what is pending.</summary>
    public void Finish() => _loader.Finish();

    public void Abandon() => _loader.Dispose();
}

// Turns scanned records into WalContents, applying etcd's reading rules: entries at or below the
// start snapshot are skipped, a rewritten index truncates what followed it, a gap is an error, the
// metadata may not change, and the start snapshot's marker must be present with the right term.
namespace FastKv.Wal;

internal sealed class ContentsBuilder(WalSnapshot start)
{
    private readonly List<RaftEntry> _entries = new();
    private readonly List<WalSnapshot> _snapshots = new();
    private byte[]? _metadata;
    private HardState _state;
    private ulong _lastIndex;
    private bool _matched;

    public void OnRecord(RecordType type, ReadOnlySpan<byte> data, SegmentName segment, long offset, string directory)
    {
        try
        {
            Apply(type, data);
        }
        catch (InvalidDataException e)
        {
            throw new WalCorruptException(Path.Combine(directory, segment.FileName), offset, e.Message);
        }
    }

    private void Apply(RecordType type, ReadOnlySpan<byte> data)
    {
        switch (type)
        {
            case RecordType.Entry:
                var entry = RaftEntry.Decode(data);
                if (entry.Index > start.Index)
                {
                    ulong position = entry.Index - start.Index - 1;
                    if (position > (ulong)_entries.Count)
                        throw new InvalidDataException(
                            $"entry {entry.Index} leaves a gap: the entries read so far end at {start.Index + (ulong)_entries.Count}");
                    _entries.RemoveRange((int)position, _entries.Count - (int)position);
                    _entries.Add(entry);
                }
                _lastIndex = entry.Index;
                break;
            case RecordType.State:
                _state = HardState.Decode(data);
                break;
            case RecordType.Metadata:
                if (_metadata is not null && !data.SequenceEqual(_metadata))
                    throw new InvalidDataException("metadata record differs from the one before it");
                _metadata = data.ToArray();
                break;
            case RecordType.Snapshot:
                var snapshot = WalSnapshot.Decode(data);
                _snapshots.Add(snapshot);
                if (snapshot.Index == start.Index)
                {
                    if (snapshot.Term != start.Term)
                        throw new WalSnapshotNotFoundException(
                            $"snapshot marker at index {snapshot.Index} has term {snapshot.Term}, expected {start.Term}");
                    _matched = true;
                }
                break;
            case RecordType.Crc:
                break;
        }
    }

    public WalContents Build(ScanResult scan, bool requireSnapshot)
    {
        if (requireSnapshot && !_matched)
            throw new WalSnapshotNotFoundException(
                $"the WAL holds no snapshot marker for index {start.Index} term {start.Term}; it does not match the snapshot");
        return new WalContents
        {
            Metadata = _metadata ?? [],
            HardState = _state,
            Entries = _entries,
            LastIndex = _lastIndex,
            Snapshots = _snapshots,
            Scan = scan,
        };
    }
}

// Read-only access to a WAL directory, for tools and for checking what a writer left behind. It takes no
// locks and changes nothing: a torn tail is reported in the result, damage raises WalCorruptException.
namespace FastKv.Wal;

public static class WalReader
{
    /// <summary>Reads from the segment that holds <paramref name="start"/> onward.</summary>
    public static WalContents ReadAll(string directory, WalSnapshot start = default, bool requireSnapshot = true)
    {
        var selected = SelectSegments(directory, start.Index);
        var builder = new ContentsBuilder(start);
        var scan = new WalScanner(directory, selected).Scan((t, d, s, o) => builder.OnRecord(t, d, s, o, directory));
        if (scan.End == ScanEnd.Damaged)
            throw scan.ToException();
        return builder.Build(scan, requireSnapshot);
    }

    /// <summary>Visits every record of every segment with its location; returns how the log ends.</summary>
    public static ScanResult Scan(string directory, Action<RecordType, ReadOnlySpan<byte>, SegmentName, long> visitor)
    {
        var names = SegmentName.List(directory);
        if (names.Count == 0)
            throw new FileNotFoundException($"no WAL segments (*.wal) in {directory}");
        SegmentName.CheckContinuity(directory, names);
        return new WalScanner(directory, names).Scan((t, d, s, o) => visitor(t, d, s, o));
    }

    internal static List<SegmentName> SelectSegments(string directory, ulong index)
    {
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"WAL directory {directory} does not exist");
        var names = SegmentName.List(directory);
        if (names.Count == 0)
            throw new FileNotFoundException($"no WAL segments (*.wal) in {directory}");
        int first = SegmentName.Search(names, index);
        if (first < 0)
            throw new WalSnapshotNotFoundException($"no WAL segment in {directory} holds index {index}; the oldest starts at {names[0].FirstIndex}");
        var selected = names.GetRange(first, names.Count - first);
        SegmentName.CheckContinuity(directory, selected);
        return selected;
    }
}

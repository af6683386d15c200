// Repair on request: cut the WAL back to its last valid record. The damaged segment is first copied to
// "<name>.broken" (the bytes are evidence), then truncated at the last good record and re-zeroed; later
// segments, which can no longer chain to it, are renamed to "<name>.broken". Nothing is repaired while
// a writer holds the WAL.
namespace FastKv.Wal;

public sealed record RepairReport(bool Changed, string? TruncatedFile, long TruncatedAt, long DroppedBytes,
    IReadOnlyList<string> SetAside, string? Problem);

public static class WalRepair
{
    public const string BrokenSuffix = ".broken";

    public static RepairReport Repair(string directory)
    {
        var names = SegmentName.List(directory);
        if (names.Count == 0)
            throw new FileNotFoundException($"no WAL segments (*.wal) in {directory}");
        SegmentName.CheckContinuity(directory, names);
        var locked = new List<SegmentFile>();
        try
        {
            foreach (var name in names)
                locked.Add(SegmentFile.OpenLocked(Path.Combine(directory, name.FileName), create: false, SegmentFile.LockPatience));
            var byName = new Dictionary<SegmentName, SegmentFile>();
            for (int i = 0; i < names.Count; i++)
                byName[names[i]] = locked[i];
            var scan = new WalScanner(directory, names, n => byName[n].Handle).Scan((_, _, _, _) => { });
            if (scan.End == ScanEnd.Clean)
                return new RepairReport(false, null, 0, 0, [], null);

            string file = scan.ProblemFile!;
            int damaged = names.FindIndex(n => Path.Combine(directory, n.FileName) == file);
            var segment = locked[damaged];
            long length = segment.Length;
            long end = LastNonZero(segment, scan.ProblemOffset, length);
            CopyOut(segment, file + BrokenSuffix);
            segment.ZeroFrom(scan.ProblemOffset);

            var setAside = new List<string>();
            for (int i = damaged + 1; i < names.Count; i++)
            {
                string path = Path.Combine(directory, names[i].FileName);
                File.Move(path, path + BrokenSuffix, overwrite: true);
                setAside.Add(path + BrokenSuffix);
            }
            NativeIo.SyncDirectory(directory);
            return new RepairReport(true, file, scan.ProblemOffset, Math.Max(0, end - scan.ProblemOffset), setAside, scan.Problem);
        }
        finally
        {
            foreach (var f in locked)
                f.Dispose();
        }
    }

    /// <summary>Copies a locked segment through its own handle (a second open would collide with the lock).</summary>
    private static void CopyOut(SegmentFile segment, string target)
    {
        using var output = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None);
        var buffer = new byte[1 << 20];
        long length = segment.Length;
        for (long at = 0; at < length;)
        {
            int n = RandomAccess.Read(segment.Handle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, length - at)), at);
            if (n == 0)
                break;
            output.Write(buffer, 0, n);
            at += n;
        }
        output.Flush(flushToDisk: true);
    }

    /// <summary>End of the last non-zero byte in [from, length), i.e. how much of the file the cut drops.</summary>
    private static long LastNonZero(SegmentFile file, long from, long length)
    {
        var reader = new SegmentReader(file.Handle);
        long last = from;
        long at = from;
        while (true)
        {
            long next = reader.FindNonZero(at, length);
            if (next < 0)
                return last;
            // Skip to the next zero run; count the non-zero region in 4 KiB steps.
            long blockEnd = Math.Min(length, (next / 4096 + 1) * 4096);
            last = blockEnd;
            at = blockEnd;
        }
    }
}

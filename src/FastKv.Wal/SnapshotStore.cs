// The snapshot directory: saving a snapshot durably, loading the newest one that reads back (renaming
// unreadable ones to ".broken" so they are kept for inspection but never tried again), and keeping at
// most --max-snapshots files (etcd default 5).
namespace FastKv.Wal;

public sealed class SnapshotStore(string directory)
{
    public const int DefaultMaxSnapshots = 5;
    public const string BrokenSuffix = ".broken";

    public string Directory { get; } = directory;

    /// <summary>Writes to a temp name, syncs, renames into place and syncs the directory.</summary>
    public string Save(RaftSnapshot snapshot)
    {
        System.IO.Directory.CreateDirectory(Directory);
        string path = Path.Combine(Directory, SnapshotFile.FileName(snapshot.Term, snapshot.Index));
        string temp = path + ".tmp";
        byte[] bytes = SnapshotFile.Encode(snapshot);
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        NativeIo.SyncDirectory(Directory);
        return path;
    }

    /// <summary>Snapshot file names, newest first.</summary>
    public IReadOnlyList<string> List()
    {
        if (!System.IO.Directory.Exists(Directory))
            return [];
        return System.IO.Directory.EnumerateFiles(Directory, "*" + SnapshotFile.Extension)
            .Select(Path.GetFileName)
            .Where(n => SnapshotFile.TryParseName(n!, out _, out _))
            .OrderByDescending(n => n, StringComparer.Ordinal)
            .ToList()!;
    }

    /// <summary>
    /// The newest snapshot that reads back and that <paramref name="accept"/> (if given) agrees to, e.g. one
    /// the WAL has a marker for; null when none. Unreadable files are renamed to "*.snap.broken".
    /// </summary>
    public RaftSnapshot? LoadNewest(Func<ulong, ulong, bool>? accept = null)
    {
        foreach (var name in List())
        {
            SnapshotFile.TryParseName(name, out ulong term, out ulong index);
            if (accept is not null && !accept(term, index))
                continue;
            string path = Path.Combine(Directory, name);
            try
            {
                var snapshot = SnapshotFile.Decode(File.ReadAllBytes(path));
                if (snapshot.Term != term || snapshot.Index != index)
                    throw new InvalidDataException($"file name says term {term} index {index}, contents say term {snapshot.Term} index {snapshot.Index}");
                return snapshot;
            }
            catch (InvalidDataException)
            {
                File.Move(path, path + BrokenSuffix, overwrite: true);
            }
        }
        return null;
    }

    /// <summary>Deletes the oldest snapshot files beyond <paramref name="maxSnapshots"/> (0 keeps all).</summary>
    public IReadOnlyList<string> Purge(int maxSnapshots = DefaultMaxSnapshots)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxSnapshots);
        var deleted = new List<string>();
        if (maxSnapshots == 0)
            return deleted;
        foreach (var name in List().Skip(maxSnapshots))
        {
            string path = Path.Combine(Directory, name);
            File.Delete(path);
            deleted.Add(path);
        }
        return deleted;
    }
}

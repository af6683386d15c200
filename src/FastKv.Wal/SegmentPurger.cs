// Deletes the oldest WAL segments beyond a count (etcd's --max-wals, default 5; 0 keeps all), but only
// ones nobody holds locked: the writer keeps every segment it may still need locked.
namespace FastKv.Wal;

public static class SegmentPurger
{
    public const int DefaultMaxWals = 5;

    public static IReadOnlyList<string> Purge(string directory, int maxWals)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxWals);
        var deleted = new List<string>();
        if (maxWals == 0)
            return deleted;
        var names = SegmentName.List(directory);
        for (int i = 0; i < names.Count - maxWals; i++)
        {
            string path = Path.Combine(directory, names[i].FileName);
            SegmentFile file;
            try
            {
                file = SegmentFile.OpenLocked(path, create: false, TimeSpan.Zero);
            }
            catch (WalLockedException)
            {
                break; // still in use, and so is everything after it
            }
            using (file)
                File.Delete(path);
            deleted.Add(path);
        }
        if (deleted.Count > 0)
            NativeIo.SyncDirectory(directory);
        return deleted;
    }
}

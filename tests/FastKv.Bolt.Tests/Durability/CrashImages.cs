// Builds what a disk may hold after power is lost during a commit, from the file before the commit
// and the file after it: any subset of the commit's pages reached the disk, the rest hold their old
// bytes or garbage. Also reads a file's whole content, to compare crash images with commits.
namespace FastKv.Bolt.Tests.Durability;

internal static class CrashImages
{
    public const int PageSize = 4096;

    /// <summary>Every bucket/key of the file (top-level buckets only), with a hash of each value.</summary>
    public static SortedDictionary<string, string> Content(string path, bool readOnly = false)
    {
        using var db = BoltDb.Open(path, new BoltOptions { NoSync = true, ReadOnly = readOnly });
        return Content(db);
    }

    public static SortedDictionary<string, string> Content(BoltDb db) => db.View(tx =>
    {
        var all = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var top = tx.Cursor();
        for (bool ok = top.First(out var name, out _); ok; ok = top.Next(out name, out _))
        {
            var c = tx.GetBucket(name)!.Cursor();
            for (bool more = c.First(out var k, out var v); more; more = c.Next(out k, out v))
                all[Bytes.Text(name) + "/" + Bytes.Text(k)] = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(v));
        }
        return all;
    });

    /// <summary>Pages (other than the metas) whose bytes differ between the two images; pages past the end of <paramref name="before"/> count as zero.</summary>
    public static List<int> ChangedDataPages(byte[] before, byte[] after)
    {
        var changed = new List<int>();
        var zero = new byte[PageSize];
        for (int p = 2; p < after.Length / PageSize; p++)
        {
            var old = (p + 1) * PageSize <= before.Length ? before.AsSpan(p * PageSize, PageSize) : zero;
            if (!old.SequenceEqual(after.AsSpan(p * PageSize, PageSize))) changed.Add(p);
        }
        return changed;
    }

    /// <summary><paramref name="after"/> with the listed pages put back as they were before (or filled with garbage).</summary>
    public static byte[] WithPagesLost(byte[] before, byte[] after, IEnumerable<int> lost, Random? garbage)
    {
        byte[] image = (byte[])after.Clone();
        var zero = new byte[PageSize];
        foreach (int p in lost)
        {
            var dst = image.AsSpan(p * PageSize, PageSize);
            if (garbage != null) garbage.NextBytes(dst);
            else if ((p + 1) * PageSize <= before.Length) before.AsSpan(p * PageSize, PageSize).CopyTo(dst);
            else zero.CopyTo(dst);
        }
        return image;
    }
}

// A bucket path given on the command line: names separated by '/', each plain text or 0x-prefixed
// hex (for names with '/' or binary bytes).
namespace FastKv.Util.Db;

internal static class BucketPath
{
    public static List<byte[]> Parse(string? text)
    {
        var path = new List<byte[]>();
        if (string.IsNullOrEmpty(text)) return path;
        foreach (string part in text.Split('/'))
        {
            if (part.Length == 0)
                throw new UsageException($"--bucket {text}: empty bucket name; separate nested buckets with a single '/'");
            if (part.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            {
                try { path.Add(Convert.FromHexString(part[2..])); }
                catch (FormatException) { throw new UsageException($"--bucket {text}: {part} is not valid hex"); }
            }
            else
            {
                path.Add(System.Text.Encoding.UTF8.GetBytes(part));
            }
        }
        return path;
    }
}

// Sizes as fio writes them: a number with an optional k/m/g/t suffix, powers of 1024 (fio's default base).
using System.Globalization;

namespace FastKv.Util.Disk;

internal static class ByteSize
{
    public static long Parse(string text, string option)
    {
        string t = text.Trim().ToLowerInvariant();
        if (t.EndsWith("ib", StringComparison.Ordinal)) t = t[..^2];
        else if (t.EndsWith('b') && t.Length > 1 && !char.IsDigit(t[^2])) t = t[..^1];
        long multiplier = 1;
        if (t.Length > 0 && "kmgt".Contains(t[^1]))
        {
            multiplier = t[^1] switch { 'k' => 1L << 10, 'm' => 1L << 20, 'g' => 1L << 30, _ => 1L << 40 };
            t = t[..^1];
        }
        if (!long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out long value) || value <= 0)
            throw new UsageException($"{option} {text}: expected a positive size such as 2300, 4k, 22m or 1g");
        if (value > long.MaxValue / multiplier)
            throw new UsageException($"{option} {text}: too large");
        return value * multiplier;
    }

    public static string Format(double bytes) => bytes switch
    {
        >= 1 << 30 => $"{bytes / (1 << 30):0.##} GiB",
        >= 1 << 20 => $"{bytes / (1 << 20):0.##} MiB",
        >= 1 << 10 => $"{bytes / (1 << 10):0.##} KiB",
        _ => $"{bytes:0} B",
    };
}

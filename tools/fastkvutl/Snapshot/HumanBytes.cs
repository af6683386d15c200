// Byte counts in the SI form etcdctl prints them (go-humanize's Bytes): "152 kB", "7.0 MB",
// "9 B"; one decimal below 10 of a unit, none above, rounded to the nearest tenth first.
using System.Globalization;

namespace FastKv.Util.Snapshot;

internal static class HumanBytes
{
    private static readonly string[] Units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];

    public static string Format(long bytes)
    {
        if (bytes < 10)
            return bytes.ToString(CultureInfo.InvariantCulture) + " B";
        var exponent = (int)Math.Floor(Math.Log(bytes) / Math.Log(1000));
        exponent = Math.Min(exponent, Units.Length - 1);
        var value = Math.Floor(bytes / Math.Pow(1000, exponent) * 10 + 0.5) / 10;
        // Go's %.0f/%.1f round half to even; the value is already rounded to a tenth.
        return value < 10
            ? Math.Round(value, 1, MidpointRounding.ToEven).ToString("0.0", CultureInfo.InvariantCulture) + " " + Units[exponent]
            : Math.Round(value, 0, MidpointRounding.ToEven).ToString("0", CultureInfo.InvariantCulture) + " " + Units[exponent];
    }
}

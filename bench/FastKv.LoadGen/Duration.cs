// Go-style durations for flags such as --compact-interval: a number with a unit (ms, s, m, h), or 0.
using System.Globalization;

namespace FastKv.LoadGen;

public static class Duration
{
    public static TimeSpan Parse(string text, string flag)
    {
        var t = text.Trim();
        if (t == "0") return TimeSpan.Zero;
        (string unit, double seconds)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        foreach (var (unit, seconds) in units)
        {
            if (t.EndsWith(unit, StringComparison.Ordinal)
                && double.TryParse(t.AsSpan(0, t.Length - unit.Length), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n))
                return TimeSpan.FromSeconds(n * seconds);
        }
        throw new ArgumentException($"invalid value \"{text}\" for {flag}: want a duration such as 500ms, 10s or 1m");
    }
}

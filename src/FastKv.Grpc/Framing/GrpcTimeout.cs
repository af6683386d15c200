// The grpc-timeout header: at most 8 ASCII digits followed by a unit (H, M, S, m, u, n).
// A malformed value is a protocol error for the caller to report; an absent one means no deadline.
using System.Globalization;

namespace FastKv.Grpc.Framing;

public static class GrpcTimeout
{
    public static bool TryParse(ReadOnlySpan<char> value, out TimeSpan timeout)
    {
        timeout = default;
        if (value.Length < 2 || value.Length > 9) return false;
        var digits = value[..^1];
        foreach (var d in digits) if (d is < '0' or > '9') return false;
        var amount = long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        long ticks;
        switch (value[^1])
        {
            case 'H': ticks = amount * TimeSpan.TicksPerHour; break;
            case 'M': ticks = amount * TimeSpan.TicksPerMinute; break;
            case 'S': ticks = amount * TimeSpan.TicksPerSecond; break;
            case 'm': ticks = amount * TimeSpan.TicksPerMillisecond; break;
            case 'u': ticks = amount * 10; break;
            case 'n': ticks = amount / 100; break;
            default: return false;
        }
        timeout = TimeSpan.FromTicks(ticks);
        return true;
    }

    // Picks the finest unit whose amount fits in 8 digits, rounding up so a deadline is never shortened.
    public static string Format(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero) return "1n";
        var ticks = timeout.Ticks;
        const long max = 99_999_999;
        long nanos = ticks > long.MaxValue / 100 ? long.MaxValue : ticks * 100;
        if (nanos <= max) return nanos.ToString(CultureInfo.InvariantCulture) + "n";
        var micros = (ticks + 9) / 10;
        if (micros <= max) return micros.ToString(CultureInfo.InvariantCulture) + "u";
        var millis = (ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;
        if (millis <= max) return millis.ToString(CultureInfo.InvariantCulture) + "m";
        var seconds = (ticks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond;
        if (seconds <= max) return seconds.ToString(CultureInfo.InvariantCulture) + "S";
        var minutes = (ticks + TimeSpan.TicksPerMinute - 1) / TimeSpan.TicksPerMinute;
        if (minutes <= max) return minutes.ToString(CultureInfo.InvariantCulture) + "M";
        var hours = Math.Min(max, (ticks + TimeSpan.TicksPerHour - 1) / TimeSpan.TicksPerHour);
        return hours.ToString(CultureInfo.InvariantCulture) + "H";
    }
}

// Percentiles of a set of latencies (nearest rank over the sorted samples), in microseconds.
using System.Diagnostics;

namespace FastKv.Util.Disk;

internal sealed record LatencySummary(long Count, double MinUs, double MeanUs, double P50Us, double P90Us, double P99Us, double P999Us, double MaxUs)
{
    public static LatencySummary FromTicks(List<long> ticks)
    {
        if (ticks.Count == 0)
            return new LatencySummary(0, 0, 0, 0, 0, 0, 0, 0);
        var sorted = ticks.ToArray();
        Array.Sort(sorted);
        double Us(long t) => t * 1_000_000.0 / Stopwatch.Frequency;
        double At(double q) => Us(sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)]);
        return new LatencySummary(sorted.Length, Us(sorted[0]), sorted.Average(t => Us(t)), At(0.50), At(0.90), At(0.99), At(0.999), Us(sorted[^1]));
    }

    public string Describe() =>
        $"p50 {P50Us:0} µs, p90 {P90Us:0} µs, p99 {P99Us:0} µs, p99.9 {P999Us:0} µs, max {MaxUs:0} µs (min {MinUs:0}, mean {MeanUs:0}, n={Count})";

    public void WriteJson(System.Text.Json.Utf8JsonWriter json, string name)
    {
        json.WriteStartObject(name);
        json.WriteNumber("count", Count);
        json.WriteNumber("min_us", Math.Round(MinUs, 1));
        json.WriteNumber("mean_us", Math.Round(MeanUs, 1));
        json.WriteNumber("p50_us", Math.Round(P50Us, 1));
        json.WriteNumber("p90_us", Math.Round(P90Us, 1));
        json.WriteNumber("p99_us", Math.Round(P99Us, 1));
        json.WriteNumber("p99_9_us", Math.Round(P999Us, 1));
        json.WriteNumber("max_us", Math.Round(MaxUs, 1));
        json.WriteEndObject();
    }
}

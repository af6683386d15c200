// The statistics of one run's latencies (seconds): the math behind LatencyReport's text, kept
// separate so it can be checked on its own.
namespace FastKv.LoadGen;

public sealed class Summary
{
    private readonly double[] _sorted;

    private Summary(double[] sorted, double total)
    {
        _sorted = sorted;
        Total = total;
        if (sorted.Length == 0) return;
        Fastest = sorted[0];
        Slowest = sorted[^1];
        var sum = 0.0;
        foreach (var s in sorted) sum += s;
        Average = sum / sorted.Length;
        var squares = 0.0;
        foreach (var s in sorted) squares += (s - Average) * (s - Average);
        Stddev = Math.Sqrt(squares / sorted.Length);
    }

    public static Summary Of(double[] latencies, double totalSeconds)
    {
        var sorted = (double[])latencies.Clone();
        Array.Sort(sorted);
        return new Summary(sorted, totalSeconds);
    }

    public int Count => _sorted.Length;
    public double Total { get; }
    public double Fastest { get; }
    public double Slowest { get; }
    public double Average { get; }
    public double Stddev { get; }
    public double RequestsPerSecond => Total > 0 ? Count / Total : 0;

    /// <summary>The first sample whose rank i (0-based) has i/n at or above p% (etcd's rule), the slowest when none has.</summary>
    public double Percentile(double p)
    {
        if (_sorted.Length == 0) return 0;
        var rank = (long)Math.Ceiling(p * _sorted.Length / 100.0);
        return _sorted[Math.Clamp(rank, 0, _sorted.Length - 1)];
    }

    /// <summary>Bucket upper edges from fastest to slowest in equal steps, and how many samples fall at or below each edge but above the previous one.</summary>
    public (double[] Edges, int[] Counts) Histogram(int buckets)
    {
        var edges = new double[buckets + 1];
        var counts = new int[buckets + 1];
        var step = (Slowest - Fastest) / buckets;
        for (var i = 0; i < buckets; i++) edges[i] = Fastest + step * i;
        edges[buckets] = Slowest;
        var b = 0;
        foreach (var s in _sorted)
        {
            while (b < buckets && s > edges[b]) b++;
            counts[b]++;
        }
        return (edges, counts);
    }
}

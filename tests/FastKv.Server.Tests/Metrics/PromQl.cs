// Just enough PromQL to evaluate the seeds' alert expressions from two scrapes: rate() of a
// counter between two scrapes, sum by labels, and histogram_quantile() with Prometheus's
// linear interpolation inside the bucket that holds the rank.
namespace FastKv.Server.Tests.Metrics;

internal static class PromQl
{
    /// <summary>Per-second increase of every series of <paramref name="sampleName"/> between two scrapes, keyed by its labels.</summary>
    public static List<Sample> Rate(Exposition before, Exposition after, string sampleName, TimeSpan between, Func<Sample, bool>? filter = null)
    {
        var earlier = before.AllSamples(sampleName).ToDictionary(Key);
        var rates = new List<Sample>();
        foreach (var s in after.AllSamples(sampleName))
        {
            if (filter is not null && !filter(s)) continue;
            var start = earlier.TryGetValue(Key(s), out var e) ? e.Value : 0;
            var increase = s.Value >= start ? s.Value - start : s.Value; // a counter reset starts again from zero
            rates.Add(s with { Value = increase / between.TotalSeconds });
        }
        return rates;
    }

    public static List<Sample> SumBy(IEnumerable<Sample> samples, params string[] by) =>
        samples.GroupBy(s => string.Join('\u0001', by.Select(s.Label)))
            .Select(g => new Sample(g.First().Name, by.ToDictionary(l => l, l => g.First().Label(l)), g.Sum(s => s.Value)))
            .ToList();

    /// <summary>histogram_quantile over bucket samples (with an le label), grouped by their other labels.</summary>
    public static List<Sample> HistogramQuantile(double q, IEnumerable<Sample> buckets)
    {
        var result = new List<Sample>();
        foreach (var series in buckets.GroupBy(b => string.Join('\u0001', b.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key).Select(l => l.Key + "=" + l.Value))))
        {
            var sorted = series.Select(b => (Le: ParseLe(b.Label("le")), b.Value)).OrderBy(b => b.Le).ToList();
            var labels = series.First().Labels.Where(l => l.Key != "le").ToDictionary(l => l.Key, l => l.Value);
            result.Add(new Sample("quantile", labels, Quantile(q, sorted)));
        }
        return result;
    }

    public static double Quantile(double q, IReadOnlyList<(double Le, double Count)> buckets)
    {
        if (buckets.Count < 2 || !double.IsPositiveInfinity(buckets[^1].Le)) return double.NaN;
        var total = buckets[^1].Count;
        if (total == 0) return double.NaN;
        var rank = q * total;
        var b = 0;
        while (b < buckets.Count - 1 && buckets[b].Count < rank) b++;
        if (b == buckets.Count - 1) return buckets[^2].Le; // the rank falls in +Inf: the highest finite bound
        var bucketStart = b == 0 ? 0 : buckets[b - 1].Le;
        var countBefore = b == 0 ? 0 : buckets[b - 1].Count;
        if (b == 0 && buckets[0].Le <= 0) return buckets[0].Le;
        var inBucket = buckets[b].Count - countBefore;
        return bucketStart + (buckets[b].Le - bucketStart) * ((rank - countBefore) / inBucket);
    }

    private static double ParseLe(string le) =>
        le == "+Inf" ? double.PositiveInfinity : double.Parse(le, System.Globalization.CultureInfo.InvariantCulture);

    private static string Key(Sample s) => s.Name + "{" + string.Join(',', s.Labels.OrderBy(l => l.Key).Select(l => l.Key + "=" + l.Value)) + "}";
}

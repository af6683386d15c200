// The counting state of one histogram series: a count per bucket (not cumulative; the scrape
// accumulates), and the sum of observations. Observing is two interlocked operations on
// preallocated memory, so it never allocates and never takes a lock. The scrape derives _count
// from the buckets, so `_bucket{le="+Inf"}` always equals `_count` even during concurrent writes.
namespace FastKv.Server.Metrics;

public sealed class HistogramCells
{
    private readonly double[] _upperBounds;
    private readonly long[] _counts; // one per bound, then the +Inf overflow bucket
    private double _sum;

    public HistogramCells(double[] upperBounds)
    {
        ArgumentNullException.ThrowIfNull(upperBounds);
        for (var i = 0; i < upperBounds.Length; i++)
        {
            if (double.IsNaN(upperBounds[i]) || double.IsInfinity(upperBounds[i]))
                throw new ArgumentException("bucket bounds must be finite", nameof(upperBounds));
            if (i > 0 && upperBounds[i] <= upperBounds[i - 1])
                throw new ArgumentException("bucket bounds must increase strictly", nameof(upperBounds));
        }
        _upperBounds = upperBounds;
        _counts = new long[upperBounds.Length + 1];
    }

    public ReadOnlySpan<double> UpperBounds => _upperBounds;

    public void Observe(double value)
    {
        if (double.IsNaN(value)) return;
        var bounds = _upperBounds;
        var i = 0;
        while (i < bounds.Length && value > bounds[i]) i++;
        Interlocked.Increment(ref _counts[i]);
        double seen, updated;
        do
        {
            seen = Volatile.Read(ref _sum);
            updated = seen + value;
        } while (Interlocked.CompareExchange(ref _sum, updated, seen) != seen);
    }

    public void Observe(TimeSpan elapsed) => Observe(elapsed.Ticks / (double)TimeSpan.TicksPerSecond);

    public double Sum => Volatile.Read(ref _sum);

    /// <summary>Fills <paramref name="cumulative"/> (one slot per bound plus +Inf) and returns the total count.</summary>
    public long CopyCumulative(Span<long> cumulative)
    {
        if (cumulative.Length != _counts.Length) throw new ArgumentException("one slot per bucket plus +Inf is needed", nameof(cumulative));
        long running = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            running += Volatile.Read(ref _counts[i]);
            cumulative[i] = running;
        }
        return running;
    }
}

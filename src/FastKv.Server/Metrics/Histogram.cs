// A histogram without labels (etcd's disk latency histograms).
namespace FastKv.Server.Metrics;

public sealed class Histogram(string name, string help, double[] upperBounds) : MetricFamily(name, help, MetricType.Histogram)
{
    public HistogramCells Cells { get; } = new(upperBounds);

    public void Observe(double value) => Cells.Observe(value);

    public void Observe(TimeSpan elapsed) => Cells.Observe(elapsed);

    internal override void WriteSamples(ExpositionWriter writer) => writer.Histogram(Name, "", Cells);
}

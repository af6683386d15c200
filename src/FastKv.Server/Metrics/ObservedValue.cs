// A value read from its owner at scrape time (leader state, database size, process CPU), with
// optional constant labels for "info" gauges such as etcd_server_version{server_version="..."} 1.
// Reading at scrape time costs the hot path nothing.
namespace FastKv.Server.Metrics;

public sealed class ObservedValue : MetricFamily
{
    private readonly Func<double> _read;
    private readonly string _labels;

    public ObservedValue(string name, string help, MetricType type, Func<double> read, params (string Name, string Value)[] labels)
        : base(name, help, type)
    {
        if (type == MetricType.Histogram) throw new ArgumentException("an observed value is a counter or a gauge", nameof(type));
        _read = read;
        _labels = ExpositionWriter.FormatLabels(labels);
    }

    internal override void WriteSamples(ExpositionWriter writer) => writer.Sample(Name, _labels, _read());
}

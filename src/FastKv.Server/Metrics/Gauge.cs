// A gauge that can be set or moved by the code it measures (pending proposals).
namespace FastKv.Server.Metrics;

public sealed class Gauge(string name, string help) : MetricFamily(name, help, MetricType.Gauge)
{
    private long _value;

    public long Value => Volatile.Read(ref _value);

    public void Inc() => Interlocked.Increment(ref _value);

    public void Dec() => Interlocked.Decrement(ref _value);

    public void Set(long value) => Volatile.Write(ref _value, value);

    internal override void WriteSamples(ExpositionWriter writer) => writer.Sample(Name, "", Value);
}

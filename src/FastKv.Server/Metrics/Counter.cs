// A counter without labels: a monotonically increasing integer, bumped with one interlocked add.
namespace FastKv.Server.Metrics;

public sealed class Counter(string name, string help) : MetricFamily(name, help, MetricType.Counter)
{
    private long _value;

    public long Value => Volatile.Read(ref _value);

    public void Inc() => Interlocked.Increment(ref _value);

    public void Add(long amount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        Interlocked.Add(ref _value, amount);
    }

    internal override void WriteSamples(ExpositionWriter writer) => writer.Sample(Name, "", Value);
}

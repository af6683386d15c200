// One named metric with its help text and type, able to write its samples. A family is created
// once at start-up; its series are fixed then, so scrapes never see a series appear or vanish.
namespace FastKv.Server.Metrics;

public abstract class MetricFamily(string name, string help, MetricType type)
{
    public string Name { get; } = name;
    public string Help { get; } = help;
    public MetricType Type { get; } = type;

    internal abstract void WriteSamples(ExpositionWriter writer);
}

// The set of metric families one server exposes, written in name order as the Go client does.
// Families are registered at start-up; a scrape renders them all into one text body.
using System.Text;

namespace FastKv.Server.Metrics;

public sealed class MetricRegistry
{
    private readonly object _gate = new();
    private readonly SortedDictionary<string, MetricFamily> _families = new(StringComparer.Ordinal);

    public T Register<T>(T family) where T : MetricFamily
    {
        ArgumentNullException.ThrowIfNull(family);
        lock (_gate)
        {
            if (!_families.TryAdd(family.Name, family))
                throw new InvalidOperationException($"metric {family.Name} is already registered");
        }
        return family;
    }

    public void RegisterAll(IEnumerable<MetricFamily> families)
    {
        foreach (var f in families) Register(f);
    }

    public IReadOnlyList<MetricFamily> Families
    {
        get { lock (_gate) return _families.Values.ToList(); }
    }

    public string Render()
    {
        var text = new StringBuilder(64 * 1024);
        var writer = new ExpositionWriter(text);
        foreach (var family in Families) writer.Family(family);
        return text.ToString();
    }
}

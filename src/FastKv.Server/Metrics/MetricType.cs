// The Prometheus metric types FastKv exposes (text format 0.0.4 `# TYPE` values).
namespace FastKv.Server.Metrics;

public enum MetricType
{
    Counter,
    Gauge,
    Histogram,
}

// A family whose samples are written by its owner (several families sharing one per-method
// state, as the grpc_server_* families do).
namespace FastKv.Server.Metrics;

public sealed class SeriesFamily(string name, string help, MetricType type, Action<ExpositionWriter> write) : MetricFamily(name, help, type)
{
    internal override void WriteSamples(ExpositionWriter writer) => write(writer);
}

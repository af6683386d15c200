// Bucket layouts as the Prometheus client libraries define them, so FastKv's histograms have
// exactly the boundaries etcd's dashboards and alerts were written against.
namespace FastKv.Server.Metrics;

public static class Buckets
{
    /// <summary>count bounds: start, start*factor, start*factor^2, ...</summary>
    public static double[] Exponential(double start, double factor, int count)
    {
        if (count < 1 || start <= 0 || factor <= 1) throw new ArgumentException("exponential buckets need count >= 1, start > 0, factor > 1");
        var bounds = new double[count];
        var value = start;
        for (var i = 0; i < count; i++)
        {
            bounds[i] = value;
            value *= factor;
        }
        return bounds;
    }

    /// <summary>The client libraries' default latency buckets (grpc_server_handling_seconds uses them).</summary>
    public static double[] Default() => [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>etcd's disk latency buckets: 1 ms doubling to 8.192 s.</summary>
    public static double[] DiskLatency() => Exponential(0.001, 2, 14);
}

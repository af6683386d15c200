// The --listen-metrics-urls listener: its own port serving only /metrics, /health, /livez and
// /readyz over HTTP/1.1 (TLS for https URLs, with the client certificate flags), so Prometheus
// and probes need no access to the client port.
// It runs on the same in-process Kestrel host type as the client port, with no gRPC methods.
using FastKv.Grpc.Hosting;
using FastKv.Grpc.Server;
using FastKv.Server.Logging;

using FastKv.Server.Tls;

namespace FastKv.Server.Http;

public sealed class MetricsListener : IAsyncDisposable
{
    private readonly GrpcHost _host;

    private MetricsListener(GrpcHost host) => _host = host;

    public IReadOnlyList<System.Net.IPEndPoint> BoundEndPoints => _host.BoundEndPoints;

    /// <summary>Serves the monitoring endpoints on --listen-metrics-urls; https ones with the client TLS settings, as etcd does.</summary>
    public static async Task<MetricsListener?> StartAsync(FastKv.Server.Config.ServerConfig config, HttpEndpoints endpoints, JsonLog log)
    {
        if (config.ListenMetricsUrls.Count == 0) return null;
        var options = new GrpcHostOptions { HttpHandler = endpoints.HandleMonitoring };
        foreach (var listener in await ClientListeners.BuildAsync(config, log, config.ListenMetricsUrls).ConfigureAwait(false))
            options.Endpoints.Add(listener.Endpoint);
        var host = new GrpcHost(options, new MethodTable());
        await host.StartAsync().ConfigureAwait(false);
        foreach (var url in config.ListenMetricsUrls) log.Info("serving metrics", ("address", url.OriginalString));
        return new MetricsListener(host);
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}

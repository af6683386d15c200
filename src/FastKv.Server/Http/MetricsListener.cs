// The --listen-metrics-urls listener: its own port serving only /metrics, /health, /livez and
// /readyz over plain HTTP/1.1, so Prometheus and probes need no access to the client port.
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

    public static async Task<MetricsListener?> StartAsync(IReadOnlyList<Uri> urls, HttpEndpoints endpoints, JsonLog log)
    {
        if (urls.Count == 0) return null;
        var options = new GrpcHostOptions { HttpHandler = endpoints.HandleMonitoring };
        foreach (var url in urls)
        {
            if (url.Scheme != "http")
                throw new FastKv.Server.Config.FlagParseException($"--listen-metrics-urls {url.OriginalString}: only http URLs are supported by this build");
            options.Endpoints.Add(new GrpcEndpoint(await ClientListeners.ResolveAsync(url).ConfigureAwait(false)));
        }
        var host = new GrpcHost(options, new MethodTable());
        await host.StartAsync().ConfigureAwait(false);
        foreach (var url in urls) log.Info("serving metrics", ("address", url.OriginalString));
        return new MetricsListener(host);
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}

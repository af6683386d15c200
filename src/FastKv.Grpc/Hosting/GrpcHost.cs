// The client-port server: Kestrel in-process, one socket per endpoint serving gRPC (h2c prior
// knowledge or TLS+ALPN) and HTTP/1.1 together, requests routed by GrpcHttpApplication.
using System.Net;
using FastKv.Grpc.Server;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FastKv.Grpc.Hosting;

public sealed class GrpcHost : IAsyncDisposable
{
    private readonly IHost _services;
    private readonly IServer _server;
    private readonly GrpcDispatcher _dispatcher;
    private readonly GrpcHttpApplication _application;
    private readonly List<ListenOptions> _listeners = [];
    private readonly CancellationTokenSource _stopping = new();
    private int _state; // 0 new, 1 started, 2 stopped

    /// <summary>How long a connection with no call in progress stays open: in practice, forever.</summary>
    internal static readonly TimeSpan IdleConnectionLimit = TimeSpan.FromDays(365);

    public GrpcHost(GrpcHostOptions options, MethodTable methods)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(methods);
        if (options.Endpoints.Count == 0) throw new ArgumentException("at least one endpoint is required", nameof(options));
        if (options.MaxReceiveMessageSize <= 0) throw new ArgumentOutOfRangeException(nameof(options), "MaxReceiveMessageSize must be positive");

        // The generic host is only built, never run: it wires Kestrel's services (TLS, metrics,
        // transports); the server itself is started directly with this host's lean application.
        _services = new HostBuilder()
            .ConfigureLogging(logging =>
            {
                logging.ClearProviders();
                if (options.LoggerFactory is { } loggerFactory) logging.Services.Replace(ServiceDescriptor.Singleton(loggerFactory));
            })
            .ConfigureWebHost(web => web
                .UseKestrel(kestrel => Configure(kestrel, options))
                .ConfigureServices(services =>
                {
                    services.RemoveAll<IConnectionListenerFactory>();
                    // The socket options come from the container, where Kestrel sets their memory pool
                    // factory to its pinned block pool. Fresh options fall back to the shared array
                    // pool, which at 1,000 concurrent streams missed on most rents: 10% of a put's
                    // CPU went to allocating (and collecting) 4 KiB pipe segments.
                    services.AddSingleton<IConnectionListenerFactory>(provider => new HandoffTransportFactory(
                        new SocketTransportFactory(provider.GetRequiredService<IOptions<SocketTransportOptions>>(), provider.GetRequiredService<ILoggerFactory>())));
                })
                .Configure(_ => { }))
            .Build();
        _server = _services.Services.GetRequiredService<IServer>();
        _dispatcher = new GrpcDispatcher(methods, options.MaxReceiveMessageSize, options.CallObserver, _stopping.Token);
        _application = new GrpcHttpApplication(_dispatcher, options.HttpHandler, _stopping.Token);
    }

    private void Configure(KestrelServerOptions kestrel, GrpcHostOptions options)
    {
        kestrel.AddServerHeader = false;
        var limits = kestrel.Limits;
        // gRPC streams (watches) idle for long stretches and carry their own size limits.
        limits.MaxRequestBodySize = null;
        limits.MinRequestBodyDataRate = null;
        limits.MinResponseDataRate = null;
        // Clients keep connections open between calls, as they may with etcd. Not InfiniteTimeSpan:
        // Kestrel turns that into TimeSpan.MaxValue, its timeout arithmetic overflows, and every
        // HTTP/2 connection without an open stream got a GOAWAY at the next heartbeat (≤ 1 s).
        limits.KeepAliveTimeout = IdleConnectionLimit;
        limits.Http2.MaxStreamsPerConnection = options.MaxStreamsPerConnection;

        var handoff = new Http2HandoffEndPoint();
        var sniffer = new PrefaceSniffer(handoff.Listener, options.PrefaceTimeout);
        var needsHandoff = false;
        var authority = new AuthorityRewritingMiddleware(new AuthorityRewriteLimits(limits.Http2.HeaderTableSize, limits.Http2.MaxFrameSize));
        _listeners.Clear();
        foreach (var endpoint in options.Endpoints)
        {
            kestrel.Listen(endpoint.EndPoint, listen =>
            {
                if (endpoint.Certificate is { } certificate)
                {
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    var tls = new HttpsConnectionAdapterOptions { ServerCertificate = certificate };
                    endpoint.ConfigureTls?.Invoke(tls);
                    listen.UseHttps(tls);
                    listen.Use(next => connection => authority.OnConnectionAsync(connection, next));
                }
                else
                {
                    listen.Protocols = HttpProtocols.Http1;
                    listen.Use(next => connection => sniffer.OnConnectionAsync(connection, next));
                    needsHandoff = true;
                }
                _listeners.Add(listen);
            });
        }
        if (needsHandoff)
        {
            kestrel.Listen(handoff, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                listen.Use(next => connection => authority.OnConnectionAsync(connection, next));
            });
        }
    }

    /// <summary>The host's service container (Kestrel's transport and options), for tests.</summary>
    internal IServiceProvider Services => _services.Services;

    /// <summary>The bound IP addresses, in the order of GrpcHostOptions.Endpoints (port 0 resolved; unix sockets left out). Valid after StartAsync.</summary>
    public IReadOnlyList<IPEndPoint> BoundEndPoints =>
        _listeners.Select(l => l.EndPoint).OfType<IPEndPoint>().ToArray();

    /// <summary>Every bound address (IP endpoints and unix sockets), in the order of GrpcHostOptions.Endpoints. Valid after StartAsync.</summary>
    public IReadOnlyList<EndPoint> BoundAddresses =>
        _listeners.Select(l => l.EndPoint).ToArray();

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0) throw new InvalidOperationException("The host was already started.");
        await _server.StartAsync(_application, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Ends open streams (status Unavailable) and waits for their handlers to return, then stops
    /// accepting and lets unary calls finish until the token fires; then aborts the rest.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 2, 1) != 1) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _dispatcher.OpenStreams.WaitUntilNoneAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Out of grace: Kestrel aborts whatever is still running.
        }
        await _server.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await StopAsync(grace.Token).ConfigureAwait(false);
        }
        _services.Dispose();
        _stopping.Dispose();
    }
}

// What a GrpcHost is given: where to listen, the gRPC methods, the plain-HTTP handler, limits.
using FastKv.Grpc.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FastKv.Grpc.Hosting;

public sealed class GrpcHostOptions
{
    public List<GrpcEndpoint> Endpoints { get; } = [];

    /// <summary>Requests that are not gRPC (HTTP/1.1, or HTTP/2 without application/grpc): /health, /metrics, ...</summary>
    public RequestDelegate? HttpHandler { get; set; }

    /// <summary>Largest request message accepted; etcd passes --max-request-bytes + 512 KiB.</summary>
    public int MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Concurrent HTTP/2 streams per connection (grpc-go, and so etcd, leaves this practically unbounded).</summary>
    public int MaxStreamsPerConnection { get; set; } = 100_000;

    /// <summary>How long a new cleartext connection may take to send enough bytes to tell HTTP/2 from HTTP/1.1.</summary>
    public TimeSpan PrefaceTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Told of every call to a registered method (grpc_server_started_total, _handled_total, _handling_seconds).</summary>
    public IGrpcCallObserver? CallObserver { get; set; }

    /// <summary>Kestrel's own logs; none when null.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }
}

// What a handler knows about its call besides the messages: the cancellation that fires on client
// cancel (RST_STREAM), connection loss or the deadline; the deadline itself; the request metadata
// (etcd's `token`, `authorization`, ...) and the peer. An in-process call (a JSON gateway invoking a
// registered method) carries its own metadata instead of the HTTP request's headers.
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace FastKv.Grpc.Server;

public sealed class CallContext
{
    private readonly IHeaderDictionary? _metadata;
    private readonly IHeaderDictionary? _responseMetadata;

    internal CallContext(HttpContext httpContext, string method, DateTime? deadline, CancellationToken cancellationToken)
    {
        HttpContext = httpContext;
        Method = method;
        Deadline = deadline;
        CancellationToken = cancellationToken;
    }

    /// <summary>
    /// A call made in-process on behalf of <paramref name="httpContext"/>: handlers read
    /// <paramref name="metadata"/> as the request metadata and their response headers land in
    /// <paramref name="responseMetadata"/> for the caller to translate.
    /// </summary>
    public CallContext(HttpContext httpContext, string method, IHeaderDictionary metadata, IHeaderDictionary responseMetadata,
        DateTime? deadline, CancellationToken cancellationToken)
        : this(httpContext, method, deadline, cancellationToken)
    {
        _metadata = metadata;
        _responseMetadata = responseMetadata;
    }

    /// <summary>The full method path, e.g. "/etcdserverpb.KV/Range".</summary>
    public string Method { get; }

    /// <summary>UTC instant from the client's grpc-timeout; null when the client set none.</summary>
    public DateTime? Deadline { get; }

    public CancellationToken CancellationToken { get; }

    /// <summary>
    /// Fires when the host starts stopping. Streams are cancelled by it already; a unary call that
    /// may wait indefinitely (a lock, an election campaign) links it in through <see cref="UntilHostStops"/>
    /// rather than hold shutdown for its whole grace period.
    /// </summary>
    public CancellationToken HostStopping { get; init; }

    /// <summary>A source cancelled with the call or when the host stops; the caller disposes it.</summary>
    public CancellationTokenSource UntilHostStops() => CancellationTokenSource.CreateLinkedTokenSource(CancellationToken, HostStopping);

    public HttpContext HttpContext { get; }

    /// <summary>Request headers; gRPC metadata keys are lower-case.</summary>
    public IHeaderDictionary RequestHeaders => _metadata ?? HttpContext.Request.Headers;

    public EndPoint? Peer => HttpContext.Connection.RemoteIpAddress is { } ip
        ? new IPEndPoint(ip, HttpContext.Connection.RemotePort)
        : null;

    /// <summary>The client's TLS certificate when the endpoint asked for one (etcd's --client-cert-auth).</summary>
    public X509Certificate2? ClientCertificate => HttpContext.Connection.ClientCertificate;

    /// <summary>First value of one metadata key, or null.</summary>
    public string? GetMetadata(string key)
    {
        var values = RequestHeaders[key];
        return StringValues.IsNullOrEmpty(values) ? null : values[0];
    }

    /// <summary>Adds a response header; only before the first response message is written.</summary>
    public void SetResponseHeader(string key, string value) => (_responseMetadata ?? HttpContext.Response.Headers)[key] = value;
}

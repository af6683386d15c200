// One call as the method kinds run it: the HTTP exchange, the handler-facing context, and the
// receive limits negotiated for this call.
using Microsoft.AspNetCore.Http;

namespace FastKv.Grpc.Server;

internal sealed class ServerCall(HttpContext httpContext, CallContext context, int maxReceiveMessageSize, bool gzip, GrpcMethodInfo method, IGrpcCallObserver? observer)
{
    public HttpContext HttpContext { get; } = httpContext;
    public CallContext Context { get; } = context;
    public int MaxReceiveMessageSize { get; } = maxReceiveMessageSize;
    public bool Gzip { get; } = gzip;
    public GrpcMethodInfo Method { get; } = method;
    public IGrpcCallObserver? Observer { get; } = observer;

    /// <summary>Set once a response message has been written; decides trailers-only vs trailers.</summary>
    public bool WroteMessage { get; set; }
}

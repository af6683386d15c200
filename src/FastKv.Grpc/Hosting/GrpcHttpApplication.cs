// The IHttpApplication Kestrel runs for every request: gRPC over HTTP/2 goes to the dispatcher,
// the rest to the plain HTTP handler, which sees the host stopping through HostStoppingFeature.
// HttpContext objects are reused through Kestrel's per-stream context container instead of being
// allocated per request.
using FastKv.Grpc.Framing;
using FastKv.Grpc.Server;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Abstractions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace FastKv.Grpc.Hosting;

internal sealed class GrpcHttpApplication(GrpcDispatcher dispatcher, RequestDelegate? httpHandler, CancellationToken stopping) : IHttpApplication<HttpContext>
{
    private readonly HostStoppingFeature _stopping = new(stopping);

    public HttpContext CreateContext(IFeatureCollection contextFeatures)
    {
        if (contextFeatures is IHostContextContainer<HttpContext> container)
        {
            if (container.HostContext is DefaultHttpContext reused)
            {
                reused.Initialize(contextFeatures);
                return reused;
            }
            var created = new DefaultHttpContext(contextFeatures);
            container.HostContext = created;
            return created;
        }
        return new DefaultHttpContext(contextFeatures);
    }

    public Task ProcessRequestAsync(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsPost(request.Method) && !HttpProtocol.IsHttp11(request.Protocol) && !HttpProtocol.IsHttp10(request.Protocol)
            && GrpcHeaders.IsGrpcContentType(request.ContentType))
        {
            return dispatcher.HandleAsync(context);
        }
        if (httpHandler is not null)
        {
            context.Features.Set(_stopping);
            return httpHandler(context);
        }
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    public void DisposeContext(HttpContext context, Exception? exception)
    {
        if (context is DefaultHttpContext pooled) pooled.Uninitialize();
    }
}

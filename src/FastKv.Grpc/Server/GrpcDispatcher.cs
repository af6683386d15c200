// Runs one gRPC request: finds the method, sets up deadline and cancellation, runs the handler and
// turns its outcome into grpc-status/grpc-message. A failing handler ends its own call only.
using System.Diagnostics;
using FastKv.Api;
using FastKv.Grpc.Framing;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;

namespace FastKv.Grpc.Server;

internal sealed class GrpcDispatcher(MethodTable methods, int maxReceiveMessageSize, IGrpcCallObserver? observer, CancellationToken stopping)
{
    /// <summary>Streaming calls still running; the host waits for them when it stops.</summary>
    public OpenStreams OpenStreams { get; } = new();

    public async Task HandleAsync(HttpContext httpContext)
    {
        var request = httpContext.Request;
        var response = httpContext.Response;
        response.ContentType = GrpcHeaders.ContentType;
        var path = request.Path.Value ?? "";

        if (!methods.TryGet(path, out var method))
        {
            WriteStatus(httpContext, wroteMessage: false, StatusCode.Unimplemented, methods.UnimplementedMessage(path));
            return;
        }

        var gzip = false;
        var encoding = request.Headers[GrpcHeaders.Encoding];
        if (encoding.Count > 0)
        {
            var value = encoding[0];
            if (string.Equals(value, GrpcHeaders.Gzip, StringComparison.Ordinal)) gzip = true;
            else if (!string.IsNullOrEmpty(value) && !string.Equals(value, GrpcHeaders.Identity, StringComparison.Ordinal))
            {
                WriteStatus(httpContext, wroteMessage: false, StatusCode.Unimplemented,
                    $"grpc: Decompressor is not installed for grpc-encoding \"{value}\"");
                return;
            }
        }

        DateTime? deadline = null;
        TimeSpan? timeout = null;
        var timeoutHeader = request.Headers[GrpcHeaders.Timeout];
        if (timeoutHeader.Count > 0)
        {
            if (!GrpcTimeout.TryParse(timeoutHeader[0], out var parsed))
            {
                WriteStatus(httpContext, wroteMessage: false, StatusCode.Internal, $"malformed grpc-timeout: {timeoutHeader[0]}");
                return;
            }
            timeout = parsed;
            deadline = DateTime.UtcNow + parsed;
        }

        // A unary call without a deadline (the common case) runs on the request's own token, with no
        // allocation; deadlines and host shutdown of streams need a linked source.
        CancellationTokenSource? linked = null;
        var token = httpContext.RequestAborted;
        if (timeout is not null || method.IsStreaming)
        {
            linked = method.IsStreaming
                ? CancellationTokenSource.CreateLinkedTokenSource(token, stopping)
                : CancellationTokenSource.CreateLinkedTokenSource(token);
            if (timeout is { } t) linked.CancelAfter(t);
            token = linked.Token;
        }

        if (method.IsStreaming) OpenStreams.Enter();
        var call = new ServerCall(httpContext, new CallContext(httpContext, path, deadline, token) { HostStopping = stopping }, maxReceiveMessageSize, gzip, method.Info, observer);
        var started = Stopwatch.GetTimestamp();
        observer?.OnCallStarted(method.Info);
        var code = StatusCode.OK;
        try
        {
            await method.InvokeAsync(call).ConfigureAwait(false);
            WriteStatus(httpContext, call.WroteMessage, StatusCode.OK, null);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested || stopping.IsCancellationRequested)
        {
            // A client that reset the stream or dropped the connection hears nothing more.
            if (httpContext.RequestAborted.IsCancellationRequested) code = StatusCode.Cancelled;
            else if (stopping.IsCancellationRequested && (method.IsStreaming || !token.IsCancellationRequested))
                WriteStatus(httpContext, call.WroteMessage, code = StatusCode.Unavailable, "the server is shutting down");
            else
                WriteStatus(httpContext, call.WroteMessage, code = StatusCode.DeadlineExceeded, "context deadline exceeded");
        }
        catch (RpcException e)
        {
            WriteStatus(httpContext, call.WroteMessage, code = e.Code, e.Message);
        }
        catch (EtcdException e)
        {
            WriteStatus(httpContext, call.WroteMessage, code = e.Code, e.Message);
        }
        catch (Exception e) when (httpContext.RequestAborted.IsCancellationRequested && e is IOException or ConnectionAbortedException)
        {
            // Writing to a stream the client already reset.
            code = StatusCode.Cancelled;
        }
        catch (Exception e)
        {
            WriteStatus(httpContext, call.WroteMessage, code = StatusCode.Unknown, e.Message);
        }
        finally
        {
            if (linked is not null)
            {
                // Anything the handler left observing its token learns that the call is over.
                if (method.IsStreaming) await linked.CancelAsync().ConfigureAwait(false);
                linked.Dispose();
            }
            observer?.OnCallCompleted(method.Info, code, Stopwatch.GetElapsedTime(started));
            if (method.IsStreaming) OpenStreams.Exit();
        }
    }

    /// <summary>
    /// A call that produced no message and has not sent headers answers "trailers-only": the status
    /// rides in the one HEADERS frame. Otherwise the status goes in the trailers.
    /// </summary>
    private static void WriteStatus(HttpContext httpContext, bool wroteMessage, StatusCode code, string? message)
    {
        var response = httpContext.Response;
        if (!response.HasStarted && !wroteMessage)
        {
            response.Headers[GrpcHeaders.Status] = GrpcHeaders.StatusValue(code);
            if (!string.IsNullOrEmpty(message)) response.Headers[GrpcHeaders.Message] = StatusMessageEncoding.Encode(message);
            return;
        }
        if (!response.SupportsTrailers())
        {
            // Only HTTP/2 and later carry trailers; a gRPC request on anything else cannot get a status.
            httpContext.Abort();
            return;
        }
        response.AppendTrailer(GrpcHeaders.Status, GrpcHeaders.StatusValue(code));
        if (!string.IsNullOrEmpty(message)) response.AppendTrailer(GrpcHeaders.Message, StatusMessageEncoding.Encode(message));
    }
}

// etcd's JSON gateway on the client port: POST /v3/<service>/<method> (and the /v3beta/ alias etcd
// 3.4 keeps) with a JSON request body runs the registered gRPC method in-process, so auth, quota and
// response headers are exactly the gRPC path's. Answers as etcd 3.4's grpc-gateway does: the
// response message as JSON, errors as {"error","message","code"} with the HTTP status of the gRPC
// code, streams (watch, lease keep-alive, snapshot, election observe) as one {"result":...} line
// per message, flushed as it is produced.
using System.Buffers;
using System.Diagnostics;
using FastKv.Api;
using FastKv.Grpc;
using FastKv.Grpc.Hosting;
using FastKv.Grpc.Server;
using Google.Protobuf;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;

namespace FastKv.Server.Gateway;

public sealed class JsonGateway
{
    private const string BetaPrefix = "/v3beta/";
    private readonly MethodTable _methods;
    private readonly int _maxRequestMessageSize;
    private readonly IGrpcCallObserver? _observer;

    /// <param name="methods">The gRPC methods the client port serves.</param>
    /// <param name="maxRequestMessageSize">The gRPC server's receive limit, which a gateway request also meets.</param>
    /// <param name="observer">The gRPC host's call observer (grpc_server_* metrics), told of gateway calls too.</param>
    public JsonGateway(MethodTable methods, int maxRequestMessageSize, IGrpcCallObserver? observer = null)
    {
        _methods = methods;
        _maxRequestMessageSize = maxRequestMessageSize;
        _observer = observer;
    }

    /// <summary>Whether a request path belongs to the gateway (everything under /v3/ and /v3beta/).</summary>
    public static bool Serves(string? path) =>
        path is not null && (path.StartsWith("/v3/", StringComparison.Ordinal) || path.StartsWith(BetaPrefix, StringComparison.Ordinal));

    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (path.StartsWith(BetaPrefix, StringComparison.Ordinal)) path = "/v3/" + path[BetaPrefix.Length..];
        var route = GatewayRoutes.Find(path);
        if (route is null)
        {
            await WritePlainAsync(context, StatusCodes.Status404NotFound, "Not Found").ConfigureAwait(false);
            return;
        }
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            await WritePlainAsync(context, StatusCodes.Status405MethodNotAllowed, "Method Not Allowed").ConfigureAwait(false);
            return;
        }

        // grpc-gateway turns a Grpc-Timeout header into the call's deadline.
        var aborted = context.RequestAborted;
        DateTime? deadline = null;
        CancellationTokenSource? timeout = null;
        var timeoutHeader = context.Request.Headers["Grpc-Timeout"];
        if (timeoutHeader.Count > 0 && !string.IsNullOrEmpty(timeoutHeader[0]))
        {
            if (!FastKv.Grpc.Framing.GrpcTimeout.TryParse(timeoutHeader[0], out var limit))
            {
                await WriteErrorAsync(context, StatusCode.InvalidArgument, $"invalid grpc-timeout: {timeoutHeader[0]}").ConfigureAwait(false);
                return;
            }
            deadline = DateTime.UtcNow + limit;
            timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            timeout.CancelAfter(limit);
        }
        // Streams also end when the host stops, as its gRPC streams do.
        var host = context.Features.Get<HostStoppingFeature>();
        CancellationTokenSource? stopping = null;
        if (route.StreamsResponses && host is not null)
            stopping = CancellationTokenSource.CreateLinkedTokenSource(timeout?.Token ?? aborted, host.Stopping);
        using var _ = timeout;
        using var __ = stopping;
        var token = stopping?.Token ?? timeout?.Token ?? aborted;

        // A JSON value is at most about 4/3 of its message (base64), plus its syntax.
        var body = new JsonBodyReader(context.Request.BodyReader, route.Request, (long)_maxRequestMessageSize * 2 + 64 * 1024);
        JsonBodyMessage first;
        try
        {
            first = await body.ReadAsync(token).ConfigureAwait(false);
        }
        catch (Exception e) when (IsClientGone(e, context))
        {
            return;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Not the client (caught above) and not the deadline: the host is stopping.
            var stopped = timeout is null || !timeout.IsCancellationRequested;
            await WriteErrorAsync(context, stopped ? StatusCode.Unavailable : StatusCode.DeadlineExceeded,
                stopped ? "the server is shutting down" : "context deadline exceeded").ConfigureAwait(false);
            return;
        }
        if (first.Error is not null)
        {
            // grpc-gateway reports an undecodable unary body as InvalidArgument, while the first
            // message of a request stream fails with the decoder's error as is (Unknown).
            await WriteErrorAsync(context, route.StreamsRequests ? StatusCode.Unknown : StatusCode.InvalidArgument, first.Error).ConfigureAwait(false);
            return;
        }
        // An empty body is an empty request, except on a request stream, where it just ends the stream.
        var firstMessage = first.Message ?? (route.StreamsRequests ? null : route.Request.Parser.ParseFrom(ByteString.Empty));
        if (!route.StreamsRequests && TooLarge(firstMessage!) is { } tooLarge)
        {
            await WriteErrorAsync(context, StatusCode.ResourceExhausted, tooLarge).ConfigureAwait(false);
            return;
        }

        var responseMetadata = new HeaderDictionary();
        var call = new CallContext(context, route.GrpcPath, GatewayMetadata.From(context.Request), responseMetadata, deadline, token)
        {
            HostStopping = host?.Stopping ?? default,
        };
        var requests = route.StreamsRequests ? RequestStream(firstMessage, body, route.IgnoresEndOfRequests, token) : One(firstMessage!);
        // The call counts in the gRPC metrics as etcd's gateway calls do (they are gRPC calls there).
        GrpcMethodInfo? observed = null;
        if (_observer is not null && _methods.TryGetMethod(route.GrpcPath, out var info))
        {
            observed = info;
            _observer.OnCallStarted(info);
        }
        var started = Stopwatch.GetTimestamp();
        var outcome = route.StreamsResponses
            ? await StreamAsync(context, route, requests, call, responseMetadata).ConfigureAwait(false)
            : await UnaryAsync(context, route, requests, call, responseMetadata).ConfigureAwait(false);
        if (observed is not null) _observer!.OnCallCompleted(observed, outcome, Stopwatch.GetElapsedTime(started));
    }

    private async Task<StatusCode> UnaryAsync(HttpContext context, GatewayRoute route, IAsyncEnumerable<IMessage> requests, CallContext call, IHeaderDictionary responseMetadata)
    {
        IMessage? response = null;
        try
        {
            await _methods.InvokeLocalAsync(route.GrpcPath, requests, (message, _) =>
            {
                response = message;
                return ValueTask.CompletedTask;
            }, call).ConfigureAwait(false);
        }
        catch (Exception e) when (IsClientGone(e, context))
        {
            return StatusCode.Cancelled;
        }
        catch (Exception e)
        {
            var (code, message) = StatusOf(e, call);
            await WriteErrorAsync(context, code, message).ConfigureAwait(false);
            return code;
        }
        var output = new ArrayBufferWriter<byte>();
        ProtoJsonWriter.Write(output, response!);
        var http = context.Response;
        http.StatusCode = StatusCodes.Status200OK;
        SetSuccessHeaders(http, responseMetadata);
        http.ContentLength = output.WrittenCount;
        try
        {
            await http.Body.WriteAsync(output.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (IsClientGone(e, context))
        {
            return StatusCode.Cancelled;
        }
        return StatusCode.OK;
    }

    private async Task<StatusCode> StreamAsync(HttpContext context, GatewayRoute route, IAsyncEnumerable<IMessage> requests, CallContext call, IHeaderDictionary responseMetadata)
    {
        var http = context.Response;
        var wrote = false;
        // One buffer for the stream's lines; the method's writer hands over one message at a time.
        var line = new ArrayBufferWriter<byte>();
        try
        {
            await _methods.InvokeLocalAsync(route.GrpcPath, requests, async (message, token) =>
            {
                if (!wrote)
                {
                    http.StatusCode = StatusCodes.Status200OK;
                    SetSuccessHeaders(http, responseMetadata);
                    wrote = true;
                }
                line.ResetWrittenCount();
                line.Write("{\"result\":"u8);
                ProtoJsonWriter.Write(line, message);
                line.Write("}\n"u8);
                await http.Body.WriteAsync(line.WrittenMemory, token).ConfigureAwait(false);
                await http.Body.FlushAsync(token).ConfigureAwait(false);
            }, call).ConfigureAwait(false);
        }
        catch (Exception e) when (IsClientGone(e, context))
        {
            return StatusCode.Cancelled;
        }
        catch (Exception e)
        {
            var (code, message) = StatusOf(e, call);
            if (!http.HasStarted)
            {
                http.StatusCode = GatewayStatus.HttpStatus(code);
                http.ContentType = "application/json";
            }
            try
            {
                line.ResetWrittenCount();
                GatewayStatus.WriteStreamError(line, code, message);
                await http.Body.WriteAsync(line.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
                await http.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception write) when (IsClientGone(write, context))
            {
                return StatusCode.Cancelled;
            }
            return code;
        }
        return StatusCode.OK;
    }

    private string? TooLarge(IMessage message)
    {
        var size = message.CalculateSize();
        return size > _maxRequestMessageSize ? $"grpc: received message larger than max ({size} vs. {_maxRequestMessageSize})" : null;
    }

    private async IAsyncEnumerable<IMessage> RequestStream(IMessage? first, JsonBodyReader body, bool holdOpen,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = first;
        while (next is not null)
        {
            if (TooLarge(next) is { } tooLarge) throw new RpcException(StatusCode.ResourceExhausted, tooLarge);
            yield return next;
            // Like grpc-gateway, a value that does not decode ends the request side quietly.
            next = (await body.ReadAsync(cancellationToken).ConfigureAwait(false)).Message;
        }
        if (holdOpen) await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
    }

    private static async IAsyncEnumerable<IMessage> One(IMessage message)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield return message;
    }

    private static void SetSuccessHeaders(HttpResponse http, IHeaderDictionary responseMetadata)
    {
        http.ContentType = "application/json";
        // grpc-gateway echoes the gRPC response headers; an etcd member's are just the content type.
        http.Headers["Grpc-Metadata-Content-Type"] = "application/grpc";
        foreach (var (key, value) in responseMetadata) http.Headers["Grpc-Metadata-" + key] = value;
    }

    private static (StatusCode Code, string Message) StatusOf(Exception e, CallContext call) => e switch
    {
        RpcException rpc => (rpc.Code, rpc.Message),
        EtcdException etcd => (etcd.Code, etcd.Message),
        OperationCanceledException when DeadlineFired(call) => (StatusCode.DeadlineExceeded, "context deadline exceeded"),
        OperationCanceledException when call.HostStopping.IsCancellationRequested =>
            (StatusCode.Unavailable, "the server is shutting down"),
        OperationCanceledException => (StatusCode.Cancelled, "context canceled"),
        _ => (StatusCode.Unknown, e.Message),
    };

    // The deadline is recognised by who cancelled the call, not by comparing the clock with the
    // timer that fired (they disagree by a tick): the call's token fired, the client and the host did not.
    private static bool DeadlineFired(CallContext call) =>
        call.Deadline is not null && call.CancellationToken.IsCancellationRequested &&
        !call.HttpContext.RequestAborted.IsCancellationRequested && !call.HostStopping.IsCancellationRequested;

    private static bool IsClientGone(Exception e, HttpContext context) =>
        context.RequestAborted.IsCancellationRequested && e is OperationCanceledException or IOException or ConnectionAbortedException;

    private static async Task WriteErrorAsync(HttpContext context, StatusCode code, string message)
    {
        var output = new ArrayBufferWriter<byte>();
        GatewayStatus.WriteErrorBody(output, code, message);
        var http = context.Response;
        http.StatusCode = GatewayStatus.HttpStatus(code);
        http.ContentType = "application/json";
        http.ContentLength = output.WrittenCount;
        try
        {
            await http.Body.WriteAsync(output.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (IsClientGone(e, context))
        {
        }
    }

    private static async Task WritePlainAsync(HttpContext context, int status, string text)
    {
        // Go's http.Error: plain text with a newline, never sniffed.
        var http = context.Response;
        http.StatusCode = status;
        http.ContentType = "text/plain; charset=utf-8";
        http.Headers["X-Content-Type-Options"] = "nosniff";
        try
        {
            await http.WriteAsync(text + "\n", context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (IsClientGone(e, context))
        {
        }
    }
}

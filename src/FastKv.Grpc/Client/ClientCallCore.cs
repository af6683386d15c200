// One client call's life: the HTTP/2 exchange, the cancellation that covers caller token and
// deadline, the response message stream, and the final status (headers for trailers-only
// responses, trailers otherwise) turned into RpcException.
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using FastKv.Api;
using FastKv.Grpc.Framing;
using Google.Protobuf;

namespace FastKv.Grpc.Client;

internal sealed class ClientCallCore : IDisposable
{
    private readonly CancellationTokenSource _cancellation;
    private readonly CancellationToken _callerToken;
    private readonly DateTime? _deadline;
    private readonly int _maxReceiveMessageSize;
    private readonly Task<HttpResponseMessage> _response;
    private PipeReader? _reader;
    private bool _gzip;
    private bool _finished;
    private volatile bool _abandoned;

    public ClientCallCore(HttpMessageInvoker invoker, HttpRequestMessage request, CallOptions options, int maxReceiveMessageSize)
    {
        _callerToken = options.CancellationToken;
        _maxReceiveMessageSize = maxReceiveMessageSize;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken);
        if (options.Timeout is { } timeout)
        {
            _deadline = DateTime.UtcNow + timeout;
            request.Headers.TryAddWithoutValidation(GrpcHeaders.Timeout, GrpcTimeout.Format(timeout));
            _cancellation.CancelAfter(timeout > TimeSpan.Zero ? timeout : TimeSpan.Zero);
        }
        _response = invoker.SendAsync(request, _cancellation.Token);
    }

    public CancellationToken Token => _cancellation.Token;

    /// <summary>Next response message, or null after an OK status; a non-OK status throws.</summary>
    public async ValueTask<T?> ReadAsync<T>(MessageParser<T> parser) where T : class, IMessage<T>
    {
        try
        {
            var reader = _reader ?? await OpenAsync().ConfigureAwait(false);
            if (_finished) return null;
            var message = await MessageFraming.ReadAsync(reader, parser, _maxReceiveMessageSize, _gzip, _cancellation.Token).ConfigureAwait(false);
            if (message is not null) return message;
            _finished = true;
            ThrowIfNotOk(Status(_response.Result.TrailingHeaders)
                ?? (StatusCode.Internal, "server closed the stream without sending trailers"));
            return null;
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Translate(e, _callerToken);
        }
    }

    private async ValueTask<PipeReader> OpenAsync()
    {
        var response = await _response.ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            _finished = true;
            throw new RpcException(FromHttpStatus((int)response.StatusCode),
                $"unexpected HTTP status code received from server: {(int)response.StatusCode} ({response.ReasonPhrase})");
        }
        if (Status(response.Headers) is { } trailersOnly)
        {
            _finished = true;
            ThrowIfNotOk(trailersOnly);
        }
        if (response.Headers.TryGetValues(GrpcHeaders.Encoding, out var encodings))
        {
            var encoding = encodings.FirstOrDefault();
            if (encoding == GrpcHeaders.Gzip) _gzip = true;
            else if (!string.IsNullOrEmpty(encoding) && encoding != GrpcHeaders.Identity)
                throw new RpcException(StatusCode.Internal, $"grpc: Decompressor is not installed for grpc-encoding \"{encoding}\"");
        }
        var stream = await response.Content.ReadAsStreamAsync(_cancellation.Token).ConfigureAwait(false);
        _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: false));
        return _reader;
    }

    private static (StatusCode Code, string Message)? Status(HttpHeaders headers)
    {
        if (!headers.TryGetValues(GrpcHeaders.Status, out var statuses)) return null;
        var text = statuses.FirstOrDefault();
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code))
            return (StatusCode.Unknown, $"invalid grpc-status: {text}");
        var message = headers.TryGetValues(GrpcHeaders.Message, out var messages)
            ? StatusMessageEncoding.Decode(messages.FirstOrDefault() ?? "")
            : "";
        return ((StatusCode)code, message);
    }

    private static void ThrowIfNotOk((StatusCode Code, string Message) status)
    {
        if (status.Code != StatusCode.OK) throw new RpcException(status.Code, status.Message);
    }

    /// <summary>The status gRPC clients report for a response whose HTTP status is not 200.</summary>
    internal static StatusCode FromHttpStatus(int status) => status switch
    {
        400 => StatusCode.Internal,
        401 => StatusCode.Unauthenticated,
        403 => StatusCode.PermissionDenied,
        404 => StatusCode.Unimplemented,
        429 or 502 or 503 or 504 => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };

    /// <summary>Maps transport-level failures to the statuses grpc-go's client reports for them.</summary>
    public Exception Translate(Exception error, CancellationToken callerToken)
    {
        if (error is RpcException) return error;
        if (callerToken.IsCancellationRequested) return new RpcException(StatusCode.Cancelled, "context canceled");
        // Only three things cancel the call's token: the caller (handled above), Dispose, and the
        // deadline timer. Comparing clocks instead raced the timer, which may fire a hair early.
        if (_deadline is not null && _cancellation.IsCancellationRequested && !_abandoned)
            return new RpcException(StatusCode.DeadlineExceeded, "context deadline exceeded");
        // A cancellation nobody on this side asked for is the connection going away (the server
        // stopping, say): that is Unavailable, as grpc-go reports it, not Cancelled.
        if (error is OperationCanceledException && _cancellation.IsCancellationRequested)
            return new RpcException(StatusCode.Cancelled, "context canceled");
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is HttpProtocolException protocol)
            {
                var (code, name) = protocol.ErrorCode switch
                {
                    0x0 => (StatusCode.Internal, "NO_ERROR"),
                    0x1 => (StatusCode.Internal, "PROTOCOL_ERROR"),
                    0x2 => (StatusCode.Internal, "INTERNAL_ERROR"),
                    0x7 => (StatusCode.Unavailable, "REFUSED_STREAM"),
                    0x8 => (StatusCode.Cancelled, "CANCEL"),
                    0xb => (StatusCode.ResourceExhausted, "ENHANCE_YOUR_CALM"),
                    0xc => (StatusCode.PermissionDenied, "INADEQUATE_SECURITY"),
                    _ => (StatusCode.Internal, $"0x{protocol.ErrorCode:x}"),
                };
                return new RpcException(code, $"stream terminated by RST_STREAM with error code: {name}");
            }
        }
        if (error is OperationCanceledException)
            return new RpcException(StatusCode.Unavailable, "the connection to the server was closed");
        if (error is HttpRequestException or IOException)
            return new RpcException(StatusCode.Unavailable, error.InnerException is { } inner ? $"{error.Message} ({inner.Message})" : error.Message);
        return new RpcException(StatusCode.Unknown, error.Message);
    }

    public void Dispose()
    {
        // A call abandoned before its end resets the stream, which the server sees as cancellation.
        if (!_finished)
        {
            _abandoned = true;
            _cancellation.Cancel();
        }
        _reader?.Complete();
        if (_response.IsCompletedSuccessfully) _response.Result.Dispose();
        else _response.ContinueWith(static t => { if (t.IsCompletedSuccessfully) t.Result.Dispose(); },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        _cancellation.Dispose();
    }
}

// A gRPC client over SocketsHttpHandler: HTTP/2 with prior knowledge on cleartext (or TLS+ALPN for
// https addresses), several connections when one runs out of streams. Methods are named by their
// full path, e.g. "/etcdserverpb.KV/Range".
using System.Net;
using FastKv.Api;
using FastKv.Grpc.Framing;
using Google.Protobuf;

namespace FastKv.Grpc.Client;

public sealed class GrpcClient : IDisposable
{
    private readonly HttpMessageInvoker _invoker;
    private readonly Uri _address;
    private readonly int _maxReceiveMessageSize;

    public GrpcClient(Uri address, GrpcClientOptions? options = null)
        : this(address, CreateHandler(options ?? new GrpcClientOptions()), options)
    {
    }

    /// <summary>With a caller-configured handler (TLS settings, ...); the client disposes it.</summary>
    public GrpcClient(Uri address, HttpMessageHandler handler, GrpcClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        _address = address;
        _invoker = new HttpMessageInvoker(handler, disposeHandler: true);
        _maxReceiveMessageSize = (options ?? new GrpcClientOptions()).MaxReceiveMessageSize;
    }

    private static SocketsHttpHandler CreateHandler(GrpcClientOptions options) => new()
    {
        EnableMultipleHttp2Connections = options.EnableMultipleHttp2Connections,
        ConnectTimeout = options.ConnectTimeout,
        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        UseProxy = false,
    };

    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(string method, TRequest request, MessageParser<TResponse> parser, CallOptions options = default)
        where TRequest : IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        using var call = new ClientCallCore(_invoker, CreateRequest(method, new UnaryRequestContent<TRequest>(request), options), options, _maxReceiveMessageSize);
        var response = await call.ReadAsync(parser).ConfigureAwait(false)
            ?? throw new RpcException(StatusCode.Internal, "grpc: the server sent no response message for a unary call");
        if (await call.ReadAsync(parser).ConfigureAwait(false) is not null)
            throw new RpcException(StatusCode.Internal, "grpc: the server sent more than one response message for a unary call");
        return response;
    }

    public ServerStreamingCall<TResponse> ServerStreaming<TRequest, TResponse>(string method, TRequest request, MessageParser<TResponse> parser, CallOptions options = default)
        where TRequest : IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var call = new ClientCallCore(_invoker, CreateRequest(method, new UnaryRequestContent<TRequest>(request), options), options, _maxReceiveMessageSize);
        return new ServerStreamingCall<TResponse>(call, parser);
    }

    public DuplexStreamingCall<TRequest, TResponse> DuplexStreaming<TRequest, TResponse>(string method, MessageParser<TResponse> parser, CallOptions options = default)
        where TRequest : IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var content = new StreamingRequestContent();
        var call = new ClientCallCore(_invoker, CreateRequest(method, content, options), options, _maxReceiveMessageSize);
        return new DuplexStreamingCall<TRequest, TResponse>(call, content, parser);
    }

    private HttpRequestMessage CreateRequest(string method, HttpContent content, CallOptions options)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_address, method))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        request.Headers.TryAddWithoutValidation("TE", "trailers");
        request.Headers.TryAddWithoutValidation(GrpcHeaders.AcceptEncoding, GrpcHeaders.SupportedEncodings);
        if (options.Metadata is { } metadata)
        {
            foreach (var (key, value) in metadata) request.Headers.TryAddWithoutValidation(key, value);
        }
        return request;
    }

    public void Dispose() => _invoker.Dispose();
}

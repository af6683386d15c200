// The routing table `/package.Service/Method` -> method. Filled before the host starts and read
// concurrently afterwards. Unknown names get grpc-go's Unimplemented texts. InvokeLocalAsync runs a
// registered method in-process (etcd's JSON gateway), answering an unknown one as gRPC would.
using Google.Protobuf;

namespace FastKv.Grpc.Server;

public sealed class MethodTable
{
    private readonly Dictionary<string, GrpcMethod> _methods = new(StringComparer.Ordinal);
    private readonly HashSet<string> _services = new(StringComparer.Ordinal);

    public MethodTable AddUnary<TRequest, TResponse>(string service, string method, MessageParser<TRequest> parser, UnaryHandler<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : IMessage<TResponse> =>
        Add(service, method, MethodKind.Unary, new UnaryMethod<TRequest, TResponse>(parser, handler));

    /// <summary>
    /// A unary method whose handler writes the response's encoding itself; <paramref name="responseParser"/>
    /// turns those bytes back into a message for in-process callers.
    /// </summary>
    public MethodTable AddUnaryEncoded<TRequest, TResponse>(string service, string method, MessageParser<TRequest> parser,
        MessageParser<TResponse> responseParser, EncodedUnaryHandler<TRequest> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        Add(service, method, MethodKind.Unary, new EncodedUnaryMethod<TRequest, TResponse>(parser, responseParser, handler));

    public MethodTable AddServerStreaming<TRequest, TResponse>(string service, string method, MessageParser<TRequest> parser, ServerStreamingHandler<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : IMessage<TResponse> =>
        Add(service, method, MethodKind.ServerStreaming, new ServerStreamingMethod<TRequest, TResponse>(parser, handler));

    public MethodTable AddClientStreaming<TRequest, TResponse>(string service, string method, MessageParser<TRequest> parser, ClientStreamingHandler<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : IMessage<TResponse> =>
        Add(service, method, MethodKind.ClientStreaming, new ClientStreamingMethod<TRequest, TResponse>(parser, handler));

    public MethodTable AddDuplexStreaming<TRequest, TResponse>(string service, string method, MessageParser<TRequest> parser, DuplexStreamingHandler<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : IMessage<TResponse> =>
        Add(service, method, MethodKind.DuplexStreaming, new DuplexStreamingMethod<TRequest, TResponse>(parser, handler));

    /// <summary>Whether a full path such as "/etcdserverpb.KV/Range" is registered.</summary>
    public bool Contains(string path) => _methods.ContainsKey(path);

    internal bool TryGet(string path, out GrpcMethod method) => _methods.TryGetValue(path, out method!);

    /// <summary>The identity of the method registered at a full path, e.g. for an in-process caller's metrics.</summary>
    public bool TryGetMethod(string path, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out GrpcMethodInfo? info)
    {
        info = _methods.TryGetValue(path, out var method) ? method.Info : null;
        return info is not null;
    }

    /// <summary>
    /// Runs the method at <paramref name="path"/> in-process: <paramref name="requests"/> are its
    /// request messages (a unary or server-streaming method takes the first), every response is
    /// handed to <paramref name="responses"/> in order. Failures surface as the exceptions the
    /// handler throws; an unknown method as RpcException(Unimplemented) with grpc-go's text.
    /// </summary>
    public Task InvokeLocalAsync(string path, IAsyncEnumerable<IMessage> requests,
        Func<IMessage, CancellationToken, ValueTask> responses, CallContext context)
    {
        if (!_methods.TryGetValue(path, out var method))
            return Task.FromException(new RpcException(FastKv.Api.StatusCode.Unimplemented, UnimplementedMessage(path)));
        return method.InvokeLocalAsync(requests, responses, context);
    }

    internal string UnimplementedMessage(string path)
    {
        var slash = path.Length > 1 ? path.IndexOf('/', 1) : -1;
        if (path.Length == 0 || path[0] != '/' || slash < 0) return $"malformed method name: \"{path}\"";
        var service = path[1..slash];
        var method = path[(slash + 1)..];
        return _services.Contains(service)
            ? $"unknown method {method} for service {service}"
            : $"unknown service {service}";
    }

    /// <summary>Every registered method, e.g. to pre-create metric series.</summary>
    public IEnumerable<GrpcMethodInfo> Methods => _methods.Values.Select(m => m.Info);

    private MethodTable Add(string service, string method, MethodKind kind, GrpcMethod entry)
    {
        ArgumentException.ThrowIfNullOrEmpty(service);
        ArgumentException.ThrowIfNullOrEmpty(method);
        if (service.Contains('/') || method.Contains('/'))
            throw new ArgumentException($"service and method names must not contain '/': {service}/{method}");
        var path = "/" + service + "/" + method;
        entry.Info = new GrpcMethodInfo(service, method, path, kind);
        if (!_methods.TryAdd(path, entry)) throw new InvalidOperationException($"{path} is already registered.");
        _services.Add(service);
        return this;
    }
}

// One --conns connection as the benchmarks see it, whichever transport carries it: unary calls
// (with or without the response body parsed) and bidirectional streams. Failures are RpcException.
using Google.Protobuf;

namespace FastKv.LoadGen;

public interface IGrpcChannel : IDisposable
{
    ValueTask<TResponse> UnaryAsync<TRequest, TResponse>(string method, TRequest request, MessageParser<TResponse> parser, CancellationToken cancellationToken = default)
        where TRequest : IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>;

    /// <summary>A unary call whose response message is received and checked but not parsed.</summary>
    ValueTask CallAsync<TRequest>(string method, TRequest request, CancellationToken cancellationToken = default)
        where TRequest : IMessage<TRequest>;

    IDuplexCall<TRequest, TResponse> OpenDuplex<TRequest, TResponse>(string method, MessageParser<TResponse> parser)
        where TRequest : IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>;
}

// Handles to running streaming calls. Disposing one before its end cancels it (RST_STREAM).
using Google.Protobuf;

namespace FastKv.Grpc.Client;

public sealed class ServerStreamingCall<TResponse> : IDisposable where TResponse : class, IMessage<TResponse>
{
    private readonly ClientCallCore _call;

    internal ServerStreamingCall(ClientCallCore call, MessageParser<TResponse> parser)
    {
        _call = call;
        ResponseStream = new ClientResponseStream<TResponse>(call, parser);
    }

    public ClientResponseStream<TResponse> ResponseStream { get; }

    public void Dispose() => _call.Dispose();
}

public sealed class DuplexStreamingCall<TRequest, TResponse> : IDisposable
    where TRequest : IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private readonly ClientCallCore _call;
    private readonly StreamingRequestContent _content;

    internal DuplexStreamingCall(ClientCallCore call, StreamingRequestContent content, MessageParser<TResponse> parser)
    {
        _call = call;
        _content = content;
        RequestStream = new ClientRequestStream<TRequest>(content, call);
        ResponseStream = new ClientResponseStream<TResponse>(call, parser);
    }

    public ClientRequestStream<TRequest> RequestStream { get; }

    public ClientResponseStream<TResponse> ResponseStream { get; }

    public void Dispose()
    {
        _call.Dispose();
        _content.Complete();
    }
}

// The original transport, kept for comparison (--transport httpclient) and for https endpoints:
// FastKv.Grpc's GrpcClient over SocketsHttpHandler, one handler (so one socket) per connection.
using FastKv.Grpc.Client;
using Google.Protobuf;

namespace FastKv.LoadGen;

public sealed class HttpClientChannel : IGrpcChannel
{
    private readonly GrpcClient _client;

    public HttpClientChannel(Uri address)
    {
        // One connection per client: a worker beyond the server's stream limit waits for a stream,
        // as grpc-go does, instead of silently opening more sockets than --conns.
        _client = new GrpcClient(address, new GrpcClientOptions { EnableMultipleHttp2Connections = false });
    }

    public ValueTask<TResponse> UnaryAsync<TRequest, TResponse>(string method, TRequest request, MessageParser<TResponse> parser, CancellationToken cancellationToken = default)
        where TRequest : IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        new(_client.UnaryAsync(method, request, parser, new CallOptions { CancellationToken = cancellationToken }));

    public async ValueTask CallAsync<TRequest>(string method, TRequest request, CancellationToken cancellationToken = default)
        where TRequest : IMessage<TRequest> =>
        await _client.UnaryAsync(method, request, Google.Protobuf.WellKnownTypes.Empty.Parser, new CallOptions { CancellationToken = cancellationToken }).ConfigureAwait(false);

    public IDuplexCall<TRequest, TResponse> OpenDuplex<TRequest, TResponse>(string method, MessageParser<TResponse> parser)
        where TRequest : IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        new Duplex<TRequest, TResponse>(_client.DuplexStreaming<TRequest, TResponse>(method, parser));

    public void Dispose() => _client.Dispose();

    private sealed class Duplex<TRequest, TResponse>(DuplexStreamingCall<TRequest, TResponse> call) : IDuplexCall<TRequest, TResponse>
        where TRequest : IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        public ValueTask WriteAsync(TRequest request) => new(call.RequestStream.WriteAsync(request));

        public ValueTask<bool> MoveNextAsync() => call.ResponseStream.MoveNextAsync();

        public TResponse Current => call.ResponseStream.Current;

        public void Dispose() => call.Dispose();
    }
}

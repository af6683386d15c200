// A bidirectional streaming call on an H2Connection (etcd's Watch): requests go out as DATA frames
// on a stream that stays open, responses are cut into messages on the reader and queued for the
// caller, who parses them. No deadline applies; disposing resets the stream.
using System.Threading.Channels;
using FastKv.Api;
using FastKv.Grpc;
using Google.Protobuf;

namespace FastKv.LoadGen.Http2;

public sealed class DuplexCall<TRequest, TResponse> : H2Stream, IDuplexCall<TRequest, TResponse>
    where TRequest : IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private readonly H2Connection _connection;
    private readonly MessageParser<TResponse> _parser;
    private readonly Channel<byte[]> _messages = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly GrpcMessageAssembler _assembler;
    private readonly Action<byte[]> _enqueue;
    private TResponse? _current;

    internal DuplexCall(H2Connection connection, MessageParser<TResponse> parser, int maxMessageSize)
    {
        _connection = connection;
        _parser = parser;
        _assembler = new GrpcMessageAssembler(maxMessageSize);
        _enqueue = m => _messages.Writer.TryWrite(m);
    }

    public TResponse Current => _current ?? throw new InvalidOperationException("MoveNextAsync has not returned true yet");

    public ValueTask WriteAsync(TRequest request)
    {
        var size = request.CalculateSize();
        var bytes = new byte[5 + size];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(1), (uint)size);
        request.WriteTo(bytes.AsSpan(5));
        return _connection.WriteStreamAsync(this, bytes);
    }

    public async ValueTask<bool> MoveNextAsync()
    {
        while (await _messages.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            if (!_messages.Reader.TryRead(out var message)) continue;
            try
            {
                _current = _parser.ParseFrom(message);
            }
            catch (InvalidProtocolBufferException e)
            {
                throw new RpcException(StatusCode.Internal, $"grpc: failed to unmarshal the received message: {e.Message}");
            }
            return true;
        }
        return false;
    }

    internal override string? AcceptData(ReadOnlySpan<byte> data) => _assembler.Feed(data, _enqueue);

    internal override void OnFinished(RpcException? error)
    {
        if (error is null && !_assembler.AtBoundary)
            error = new RpcException(StatusCode.Internal, "grpc: the stream ended inside a message");
        _messages.Writer.TryComplete(error);
    }

    internal override void Signal()
    {
    }

    public void Dispose() => _connection.Cancel(this, new RpcException(StatusCode.Cancelled, "context canceled"));
}

// The server's stream of response messages on one call. Writes from several tasks are serialised
// (a watch stream answers control requests while events flow); each message is flushed on its own
// so a streamed event is never held back in a buffer. The stream ends when the handler returns,
// which is also when the status trailers are written. An in-process call hands each message to a
// sink instead of framing it.
using System.IO.Pipelines;
using FastKv.Grpc.Framing;
using FastKv.Grpc.Server;
using Google.Protobuf;

namespace FastKv.Grpc;

public sealed class MessageWriter<T> where T : IMessage<T>
{
    private readonly PipeWriter? _writer;
    private readonly Func<T, CancellationToken, ValueTask>? _local;
    private readonly CancellationToken _cancellationToken;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _completed;
    private readonly IGrpcCallObserver? _observer;
    private readonly GrpcMethodInfo? _method;

    internal MessageWriter(PipeWriter writer, CancellationToken cancellationToken,
        IGrpcCallObserver? observer = null, GrpcMethodInfo? method = null)
    {
        _observer = observer;
        _method = method;
        _writer = writer;
        _cancellationToken = cancellationToken;
    }

    internal MessageWriter(Func<T, CancellationToken, ValueTask> local, CancellationToken cancellationToken)
    {
        _local = local;
        _cancellationToken = cancellationToken;
    }

    public ValueTask WriteAsync(T message, CancellationToken cancellationToken = default) =>
        WriteOneAsync(message, default, null, cancellationToken);

    /// <summary>
    /// Writes a message its producer already encoded (the wire form of a <typeparamref name="T"/>),
    /// flushed like WriteAsync; an in-process call receives it parsed with <paramref name="parser"/>.
    /// </summary>
    public ValueTask WriteEncodedAsync(ReadOnlyMemory<byte> encoded, MessageParser<T> parser, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parser);
        return WriteOneAsync(default, encoded, parser, cancellationToken);
    }

    // One message, either as an object or (with a parser) as its encoded bytes, under the gate.
    private async ValueTask WriteOneAsync(T? message, ReadOnlyMemory<byte> encoded, MessageParser<T>? parser, CancellationToken cancellationToken)
    {
        if (_completed) throw new InvalidOperationException("The call this stream belonged to has ended.");
        var token = cancellationToken.CanBeCanceled ? cancellationToken : _cancellationToken;
        await _gate.WaitAsync(token).ConfigureAwait(false);
        try
        {
            if (_completed) throw new InvalidOperationException("The call this stream belonged to has ended.");
            if (_local is not null)
            {
                await _local(parser is null ? message! : parser.ParseFrom(encoded.Span), token).ConfigureAwait(false);
                return;
            }
            if (parser is null) MessageFraming.Write(_writer!, message!);
            else MessageFraming.WriteEncoded(_writer!, encoded.Span);
            await FlushAsync(token).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async ValueTask FlushAsync(CancellationToken token)
    {
        var flush = await _writer!.FlushAsync(token).ConfigureAwait(false);
        if (flush.IsCanceled) throw new OperationCanceledException(token);
        if (flush.IsCompleted) throw new RpcException(FastKv.Api.StatusCode.Cancelled, "the peer stopped reading the stream");
        _observer?.OnStreamMessageSent(_method!);
    }

    /// <summary>
    /// Called when the server handler returns: the underlying response pipe belongs to a pooled
    /// HTTP/2 stream that will serve another request, so late writes (a watch event racing the
    /// end of its stream) must fail here instead of landing in someone else's response.
    /// </summary>
    internal async ValueTask SealAsync()
    {
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        _completed = true;
        _gate.Release();
    }
}

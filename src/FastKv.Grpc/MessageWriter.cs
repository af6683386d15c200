// A stream of outgoing messages on one call. Writes from several tasks are serialised (a watch
// stream answers control requests while events flow); each message is flushed on its own so a
// streamed event is never held back in a buffer.
using System.IO.Pipelines;
using FastKv.Grpc.Framing;
using Google.Protobuf;

namespace FastKv.Grpc;

public sealed class MessageWriter<T> where T : IMessage<T>
{
    private readonly PipeWriter _writer;
    private readonly CancellationToken _cancellationToken;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Func<ValueTask>? _beforeFirstWrite;
    private bool _started;
    private volatile bool _completed;

    internal MessageWriter(PipeWriter writer, CancellationToken cancellationToken, Func<ValueTask>? beforeFirstWrite = null)
    {
        _writer = writer;
        _cancellationToken = cancellationToken;
        _beforeFirstWrite = beforeFirstWrite;
    }

    public async ValueTask WriteAsync(T message, CancellationToken cancellationToken = default)
    {
        if (_completed) throw new InvalidOperationException("The stream is already completed.");
        var token = cancellationToken.CanBeCanceled ? cancellationToken : _cancellationToken;
        await _gate.WaitAsync(token).ConfigureAwait(false);
        try
        {
            if (_completed) throw new InvalidOperationException("The stream is already completed.");
            if (!_started)
            {
                _started = true;
                if (_beforeFirstWrite is not null) await _beforeFirstWrite().ConfigureAwait(false);
            }
            MessageFraming.Write(_writer, message);
            var flush = await _writer.FlushAsync(token).ConfigureAwait(false);
            if (flush.IsCanceled) throw new OperationCanceledException(token);
            if (flush.IsCompleted) throw new RpcException(FastKv.Api.StatusCode.Cancelled, "the peer stopped reading the stream");
        }
        finally
        {
            _gate.Release();
        }
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

    /// <summary>Closes this direction of the stream (the client's half-close). Idempotent.</summary>
    public async ValueTask CompleteAsync()
    {
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_completed) return;
            _completed = true;
            if (!_started && _beforeFirstWrite is not null)
            {
                _started = true;
                await _beforeFirstWrite().ConfigureAwait(false);
            }
            await _writer.CompleteAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }
}

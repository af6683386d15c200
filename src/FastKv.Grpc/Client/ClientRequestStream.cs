// The caller's side of a streaming request: framed writes, one flush per message, serialised
// between tasks; CompleteAsync half-closes the stream.
using System.Buffers;
using System.Buffers.Binary;
using FastKv.Grpc.Framing;
using Google.Protobuf;

namespace FastKv.Grpc.Client;

public sealed class ClientRequestStream<T> where T : IMessage<T>
{
    private readonly StreamingRequestContent _content;
    private readonly ClientCallCore _call;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _completed;

    internal ClientRequestStream(StreamingRequestContent content, ClientCallCore call)
    {
        _content = content;
        _call = call;
    }

    public async Task WriteAsync(T message, CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _call.Token);
        await _gate.WaitAsync(linked.Token).ConfigureAwait(false);
        try
        {
            if (_completed) throw new InvalidOperationException("The request stream was already completed.");
            var stream = await _content.Stream.WaitAsync(linked.Token).ConfigureAwait(false);
            var size = message.CalculateSize();
            var length = MessageFraming.PrefixLength + size;
            var buffer = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                buffer[0] = 0;
                BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(1), (uint)size);
                message.WriteTo(buffer.AsSpan(MessageFraming.PrefixLength, size));
                await stream.WriteAsync(buffer.AsMemory(0, length), linked.Token).ConfigureAwait(false);
                await stream.FlushAsync(linked.Token).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        catch (Exception e) when (e is not RpcException and not InvalidOperationException)
        {
            throw _call.Translate(e, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task CompleteAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _completed = true;
            _content.Complete();
        }
        finally
        {
            _gate.Release();
        }
    }
}

// The body of a call with exactly one request message: the framed message written in one go from
// a pooled buffer, with its length known up front.
using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using FastKv.Grpc.Framing;
using Google.Protobuf;

namespace FastKv.Grpc.Client;

internal sealed class UnaryRequestContent<T> : HttpContent where T : IMessage<T>
{
    private readonly T _message;
    private readonly int _size;

    public UnaryRequestContent(T message)
    {
        _message = message;
        _size = message.CalculateSize();
        Headers.TryAddWithoutValidation("Content-Type", GrpcHeaders.ContentType);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var length = MessageFraming.PrefixLength + _size;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            buffer[0] = 0;
            BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(1), (uint)_size);
            _message.WriteTo(buffer.AsSpan(MessageFraming.PrefixLength, _size));
            await stream.WriteAsync(buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = MessageFraming.PrefixLength + _size;
        return true;
    }
}

// The gRPC length-prefixed message: one flag byte (1 = compressed with the call's grpc-encoding)
// and a big-endian uint32 length, then the protobuf bytes. Reading parses straight out of the
// pipe's ReadOnlySequence; writing reserves the prefix in the pipe and serialises behind it.
using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using FastKv.Api;
using Google.Protobuf;

namespace FastKv.Grpc.Framing;

internal static class MessageFraming
{
    public const int PrefixLength = 5;

    public static void Write<T>(PipeWriter writer, T message) where T : IMessage<T>
    {
        var size = message.CalculateSize();
        var prefix = writer.GetSpan(PrefixLength);
        prefix[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(prefix[1..], (uint)size);
        writer.Advance(PrefixLength);
        if (size > 0) message.WriteTo(writer);
    }

    /// <summary>Frames a message that is already encoded (see EncodedUnaryMethod).</summary>
    public static void WriteEncoded(PipeWriter writer, ReadOnlySpan<byte> message)
    {
        var prefix = writer.GetSpan(PrefixLength);
        prefix[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(prefix[1..], (uint)message.Length);
        writer.Advance(PrefixLength);
        if (!message.IsEmpty) writer.Write(message);
    }

    /// <summary>
    /// Reads the next message; null when the stream ended cleanly between messages.
    /// Violations surface as RpcException with grpc-go's codes and texts.
    /// </summary>
    // Pooled state machine: a request whose bytes have not all arrived yet suspends here, once per call.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<T?> ReadAsync<T>(
        PipeReader reader, MessageParser<T> parser, int maxMessageSize, bool gzip, CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (buffer.Length >= PrefixLength)
            {
                var (flag, length) = ReadPrefix(buffer);
                if (length > maxMessageSize)
                {
                    reader.AdvanceTo(buffer.Start, buffer.End);
                    throw new RpcException(StatusCode.ResourceExhausted,
                        $"grpc: received message larger than max ({length} vs. {maxMessageSize})");
                }
                if (buffer.Length - PrefixLength >= length)
                {
                    var payload = buffer.Slice(PrefixLength, length);
                    try
                    {
                        return Parse(flag, payload, parser, maxMessageSize, gzip);
                    }
                    finally
                    {
                        reader.AdvanceTo(payload.End);
                    }
                }
            }

            if (result.IsCompleted)
            {
                var remaining = buffer.Length;
                var declared = remaining >= PrefixLength ? ReadPrefix(buffer).Length : 0;
                reader.AdvanceTo(buffer.End);
                if (remaining == 0) return null;
                throw new RpcException(StatusCode.Internal, remaining < PrefixLength
                    ? $"grpc: received a truncated message prefix ({remaining} of {PrefixLength} bytes)"
                    : $"grpc: received a truncated message (prefix declares {declared} bytes, stream ended after {remaining - PrefixLength})");
            }
            if (result.IsCanceled)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                throw new OperationCanceledException(cancellationToken);
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static (byte Flag, long Length) ReadPrefix(in ReadOnlySequence<byte> buffer)
    {
        Span<byte> prefix = stackalloc byte[PrefixLength];
        buffer.Slice(0, PrefixLength).CopyTo(prefix);
        return (prefix[0], BinaryPrimitives.ReadUInt32BigEndian(prefix[1..]));
    }

    private static T Parse<T>(byte flag, in ReadOnlySequence<byte> payload, MessageParser<T> parser, int maxMessageSize, bool gzip)
        where T : class, IMessage<T>
    {
        try
        {
            switch (flag)
            {
                case 0:
                    return parser.ParseFrom(payload);
                case 1 when gzip:
                    return ParseGzip(payload, parser, maxMessageSize);
                case 1:
                    throw new RpcException(StatusCode.Internal, "grpc: compressed flag set with identity or empty encoding");
                default:
                    throw new RpcException(StatusCode.Internal, $"grpc: received unexpected payload format {flag}");
            }
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new RpcException(StatusCode.Internal, $"grpc: failed to unmarshal the received message: {e.Message}");
        }
    }

    private static T ParseGzip<T>(in ReadOnlySequence<byte> payload, MessageParser<T> parser, int maxMessageSize)
        where T : class, IMessage<T>
    {
        var compressed = ArrayPool<byte>.Shared.Rent((int)payload.Length);
        var output = new PooledBufferWriter();
        try
        {
            payload.CopyTo(compressed);
            using (var gz = new GZipStream(new MemoryStream(compressed, 0, (int)payload.Length, writable: false), CompressionMode.Decompress))
            {
                while (true)
                {
                    var span = output.GetSpan(8192);
                    int n;
                    try { n = gz.Read(span); }
                    catch (InvalidDataException e)
                    {
                        throw new RpcException(StatusCode.Internal, $"grpc: failed to decompress the received message: {e.Message}");
                    }
                    if (n == 0) break;
                    output.Advance(n);
                    if (output.WrittenCount > maxMessageSize)
                    {
                        throw new RpcException(StatusCode.ResourceExhausted,
                            $"grpc: received message after decompression larger than max ({output.WrittenCount} vs. {maxMessageSize})");
                    }
                }
            }
            return parser.ParseFrom(output.WrittenSpan);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compressed);
            output.Dispose();
        }
    }
}

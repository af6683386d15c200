// The 9-octet HTTP/2 frame header (RFC 9113 section 4.1) and the frame types and flags the
// authority rewriter looks at.
using System.Buffers;
using System.Buffers.Binary;

namespace FastKv.Grpc.Hosting;

internal readonly record struct Http2FrameHead(int Length, byte Type, byte Flags, int StreamId)
{
    public const int Size = 9;
    public const byte Headers = 0x1;
    public const byte Continuation = 0x9;
    public const byte EndStreamFlag = 0x1;
    public const byte EndHeadersFlag = 0x4;
    public const byte PaddedFlag = 0x8;
    public const byte PriorityFlag = 0x20;

    public long FrameLength => Size + Length;

    public static bool TryRead(in ReadOnlySequence<byte> buffer, out Http2FrameHead head)
    {
        head = default;
        if (buffer.Length < Size) return false;
        Span<byte> bytes = stackalloc byte[Size];
        buffer.Slice(0, Size).CopyTo(bytes);
        head = Read(bytes);
        return true;
    }

    /// <summary>Decodes the first nine bytes; the stream id's reserved top bit is ignored.</summary>
    public static Http2FrameHead Read(ReadOnlySpan<byte> bytes) => new(
        (bytes[0] << 16) | (bytes[1] << 8) | bytes[2],
        bytes[3],
        bytes[4],
        (int)(BinaryPrimitives.ReadUInt32BigEndian(bytes[5..]) & 0x7FFFFFFF));

    public void Write(Span<byte> destination)
    {
        destination[0] = (byte)(Length >> 16);
        destination[1] = (byte)(Length >> 8);
        destination[2] = (byte)Length;
        destination[3] = Type;
        destination[4] = Flags;
        BinaryPrimitives.WriteUInt32BigEndian(destination[5..], (uint)StreamId);
    }
}

// The 9-octet header in front of every HTTP/2 frame: 24-bit payload length, type, flags and a
// 31-bit stream id (the reserved top bit is ignored on read and written as zero).
using FastKv.Grpc.Hosting;

namespace FastKv.LoadGen.Http2;

public readonly record struct FrameHeader(int Length, byte Type, byte Flags, int StreamId)
{
    public const int Size = 9;

    /// <summary>The largest payload any peer may send (2^24 - 1); the default limit is 16384.</summary>
    public const int MaxAllowedFrameSize = (1 << 24) - 1;
    public const int DefaultMaxFrameSize = 16384;

    public bool HasFlag(byte flag) => (Flags & flag) != 0;

    // The server's frame-head codec does the byte layout; this type adds the client's limits.
    public static FrameHeader Read(ReadOnlySpan<byte> source)
    {
        var head = Http2FrameHead.Read(source);
        return new(head.Length, head.Type, head.Flags, head.StreamId);
    }

    public void Write(Span<byte> destination) =>
        new Http2FrameHead(Length, Type, Flags, StreamId & 0x7FFFFFFF).Write(destination);
}

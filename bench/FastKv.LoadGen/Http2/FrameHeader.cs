// The 9-octet header in front of every HTTP/2 frame: 24-bit payload length, type, flags and a
// 31-bit stream id (the reserved top bit is ignored on read and written as zero).
using System.Buffers.Binary;

namespace FastKv.LoadGen.Http2;

public readonly record struct FrameHeader(int Length, byte Type, byte Flags, int StreamId)
{
    public const int Size = 9;

    /// <summary>The largest payload any peer may send (2^24 - 1); the default limit is 16384.</summary>
    public const int MaxAllowedFrameSize = (1 << 24) - 1;
    public const int DefaultMaxFrameSize = 16384;

    public bool HasFlag(byte flag) => (Flags & flag) != 0;

    public static FrameHeader Read(ReadOnlySpan<byte> source) => new(
        (source[0] << 16) | (source[1] << 8) | source[2],
        source[3],
        source[4],
        (int)(BinaryPrimitives.ReadUInt32BigEndian(source[5..]) & 0x7FFFFFFF));

    public void Write(Span<byte> destination)
    {
        destination[0] = (byte)(Length >> 16);
        destination[1] = (byte)(Length >> 8);
        destination[2] = (byte)Length;
        destination[3] = Type;
        destination[4] = Flags;
        BinaryPrimitives.WriteUInt32BigEndian(destination[5..], (uint)StreamId & 0x7FFFFFFF);
    }
}

// Builds client-side HTTP/2 byte streams for the authority tests: preface, frames, and header
// blocks in the shapes grpc-go produces (incremental indexing, Huffman strings, reuse of dynamic
// entries) or plain literals.
using System.Buffers.Binary;
using System.Text;
using FastKv.Grpc.Hosting;

namespace FastKv.Grpc.Tests.Authority;

internal static class Http2TestFrames
{
    public static byte[] Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    public static byte[] Frame(byte type, byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[9 + payload.Length];
        new Http2FrameHead(payload.Length, type, flags, streamId).Write(frame);
        payload.CopyTo(frame.AsSpan(9));
        return frame;
    }

    public static byte[] Settings() => Frame(0x4, 0, 0, []);

    public static byte[] WindowUpdate(int streamId, int increment)
    {
        var payload = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(payload, increment);
        return Frame(0x8, 0, streamId, payload);
    }

    public static byte[] Data(int streamId, ReadOnlySpan<byte> payload, bool endStream) => Frame(0x0, endStream ? (byte)1 : (byte)0, streamId, payload);

    /// <summary>A gRPC length-prefixed message (uncompressed).</summary>
    public static byte[] GrpcMessage(ReadOnlySpan<byte> message)
    {
        var framed = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)message.Length);
        message.CopyTo(framed.AsSpan(5));
        return framed;
    }

    /// <summary>Literal with incremental indexing, new name, Huffman-coded strings (what grpc-go sends first).</summary>
    public static void Indexed(List<byte> block, string name, string value)
    {
        block.Add(0x40);
        HuffmanString(block, name);
        HuffmanString(block, value);
    }

    /// <summary>Indexed field (static 1-61, dynamic 62+).</summary>
    public static void Reference(List<byte> block, int index) => Integer(block, 0x80, 7, index);

    public static void HuffmanString(List<byte> block, string text)
    {
        var encoded = HuffmanTestEncoder.Encode(Encoding.ASCII.GetBytes(text));
        Integer(block, 0x80, 7, encoded.Length);
        block.AddRange(encoded);
    }

    public static void Integer(List<byte> block, byte flags, int prefixBits, int value)
    {
        var max = (1 << prefixBits) - 1;
        if (value < max)
        {
            block.Add((byte)(flags | value));
            return;
        }
        block.Add((byte)(flags | max));
        value -= max;
        while (value >= 0x80)
        {
            block.Add((byte)((value & 0x7F) | 0x80));
            value >>= 7;
        }
        block.Add((byte)value);
    }

    /// <summary>HEADERS then CONTINUATION frames, each fragment at most chunk octets; padding and priority on the HEADERS frame when asked.</summary>
    public static byte[] HeaderFrames(int streamId, byte[] block, bool endStream, int chunk, int padding = 0, bool priority = false)
    {
        var frames = new List<byte>();
        var offset = 0;
        var first = true;
        do
        {
            var length = Math.Min(chunk, block.Length - offset);
            var last = offset + length == block.Length;
            var flags = (byte)((last ? 0x4 : 0) | (first && endStream ? 0x1 : 0));
            var payload = new List<byte>();
            if (first && padding > 0)
            {
                flags |= 0x8;
                payload.Add((byte)padding);
            }
            if (first && priority)
            {
                flags |= 0x20;
                payload.AddRange(new byte[] { 0, 0, 0, 0, 15 });
            }
            payload.AddRange(block.AsSpan(offset, length).ToArray());
            if (first && padding > 0) payload.AddRange(new byte[padding]);
            frames.AddRange(Frame(first ? (byte)0x1 : (byte)0x9, flags, streamId, payload.ToArray()));
            offset += length;
            first = false;
        }
        while (offset < block.Length);
        return frames.ToArray();
    }
}

// Writes header fields as HPACK "literal without indexing, new name" with raw (non-Huffman)
// strings: the receiver's dynamic table is never touched, so re-encoded blocks need no state.
using System.Buffers;

namespace FastKv.Grpc.Hosting;

internal static class HpackLiteralEncoder
{
    public static void Write(IBufferWriter<byte> output, HpackHeaderField field) => Write(output, field.Name, field.Value);

    public static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        WriteInteger(output, 0x00, 4, 0);
        WriteString(output, name);
        WriteString(output, value);
    }

    private static void WriteString(IBufferWriter<byte> output, ReadOnlySpan<byte> text)
    {
        WriteInteger(output, 0x00, 7, text.Length);
        output.Write(text);
    }

    /// <summary>An N-bit prefix integer (RFC 7541 section 5.1) whose first octet carries flags above the prefix.</summary>
    internal static void WriteInteger(IBufferWriter<byte> output, byte flags, int prefixBits, int value)
    {
        var span = output.GetSpan(6);
        var max = (1 << prefixBits) - 1;
        if (value < max)
        {
            span[0] = (byte)(flags | value);
            output.Advance(1);
            return;
        }
        span[0] = (byte)(flags | max);
        var written = 1;
        value -= max;
        while (value >= 0x80)
        {
            span[written++] = (byte)((value & 0x7F) | 0x80);
            value >>= 7;
        }
        span[written++] = (byte)value;
        output.Advance(written);
    }
}

// Protobuf's wire primitives (base-128 varints, tags, length-delimited fields) written into an
// IBufferWriter, for responses the key space encodes itself instead of building messages.
using System.Buffers;

namespace FastKv.Mvcc.Kv;

internal static class ProtoWire
{
    public const int WireVarint = 0;
    public const int WireLengthDelimited = 2;

    public static int VarintSize(ulong v)
    {
        int n = 1;
        while (v >= 0x80) { v >>= 7; n++; }
        return n;
    }

    public static void WriteVarint(IBufferWriter<byte> output, ulong v)
    {
        var span = output.GetSpan(10);
        int i = 0;
        while (v >= 0x80)
        {
            span[i++] = (byte)(v | 0x80);
            v >>= 7;
        }
        span[i++] = (byte)v;
        output.Advance(i);
    }

    /// <summary>A varint field, left out when zero (proto3's rule for scalars).</summary>
    public static void WriteVarintField(IBufferWriter<byte> output, int field, ulong v)
    {
        if (v == 0) return;
        WriteVarint(output, (ulong)(field << 3 | WireVarint));
        WriteVarint(output, v);
    }

    /// <summary>The tag and length of a length-delimited field whose body the caller writes next.</summary>
    public static void WriteLengthPrefix(IBufferWriter<byte> output, int field, int length)
    {
        WriteVarint(output, (ulong)(field << 3 | WireLengthDelimited));
        WriteVarint(output, (ulong)length);
    }

    public static void WriteRaw(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        // Copies in whatever pieces the writer hands out, so a huge value needs no huge span.
        while (!bytes.IsEmpty)
        {
            var span = output.GetSpan();
            int n = Math.Min(span.Length, bytes.Length);
            bytes[..n].CopyTo(span);
            output.Advance(n);
            bytes = bytes[n..];
        }
    }
}

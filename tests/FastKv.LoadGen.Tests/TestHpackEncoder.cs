// The other half of HPACK for the tests, written the way Kestrel and Go encode responses: literal
// fields with incremental indexing and Huffman-coded strings, then references to the dynamic
// table for repeats, so the client's decoder is exercised on its full path.
using System.Buffers;
using System.Text;
using FastKv.Grpc.Hosting;
using FastKv.LoadGen.Http2;

namespace FastKv.LoadGen.Tests;

internal sealed class TestHpackEncoder
{
    private readonly List<(string Name, string Value)> _table = []; // newest first

    public byte[] Encode(params (string Name, string Value)[] fields)
    {
        var output = new ArrayBufferWriter<byte>(256);
        foreach (var field in fields)
        {
            var index = _table.IndexOf(field);
            if (index >= 0)
            {
                HpackLiteralEncoder.WriteInteger(output, 0x80, 7, 61 + index + 1);
                continue;
            }
            HpackLiteralEncoder.WriteInteger(output, 0x40, 6, 0);
            WriteHuffman(output, field.Name);
            WriteHuffman(output, field.Value);
            _table.Insert(0, field);
        }
        return output.WrittenSpan.ToArray();
    }

    private static void WriteHuffman(ArrayBufferWriter<byte> output, string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        var codes = HpackHuffmanCode.Codes;
        var lengths = HpackHuffmanCode.BitLengths;
        var encoded = new List<byte>();
        ulong bits = 0;
        var count = 0;
        foreach (var b in bytes)
        {
            bits = (bits << lengths[b]) | codes[b];
            count += lengths[b];
            while (count >= 8)
            {
                encoded.Add((byte)(bits >> (count - 8)));
                count -= 8;
            }
        }
        if (count > 0) encoded.Add((byte)((bits << (8 - count)) | (0xFFu >> count)));
        HpackLiteralEncoder.WriteInteger(output, 0x80, 7, encoded.Count);
        output.Write(encoded.ToArray());
    }
}

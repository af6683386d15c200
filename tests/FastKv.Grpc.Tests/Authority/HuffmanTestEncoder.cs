// The encoding side of HPACK's Huffman code, for tests only: packs each octet's code MSB first and
// pads the last octet with ones (the EOS prefix).
using FastKv.Grpc.Hosting;

namespace FastKv.Grpc.Tests.Authority;

internal static class HuffmanTestEncoder
{
    public static byte[] Encode(ReadOnlySpan<byte> text)
    {
        var output = new List<byte>();
        ulong pending = 0;
        var pendingBits = 0;
        foreach (var symbol in text)
        {
            pending = (pending << HpackHuffmanCode.BitLengths[symbol]) | HpackHuffmanCode.Codes[symbol];
            pendingBits += HpackHuffmanCode.BitLengths[symbol];
            while (pendingBits >= 8)
            {
                pendingBits -= 8;
                output.Add((byte)(pending >> pendingBits));
            }
        }
        if (pendingBits > 0) output.Add((byte)((pending << (8 - pendingBits)) | (0xFFu >> pendingBits)));
        return output.ToArray();
    }
}

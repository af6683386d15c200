// Standard base64 decoding as Go's encoding/base64 StdEncoding does it, because etcd's gateway
// reports bad key/value encodings with its text ("illegal base64 data at input byte N"): padding
// is required, CR and LF are skipped anywhere, nothing may follow the padding.
namespace FastKv.Server.Gateway;

internal static class GoBase64
{
    private static readonly sbyte[] Alphabet = BuildAlphabet();

    public static byte[] Decode(ReadOnlySpan<byte> src)
    {
        var dst = new byte[src.Length / 4 * 3 + 3];
        var n = 0;
        var si = 0;
        Span<byte> quantum = stackalloc byte[4];
        while (true)
        {
            var len = 4;
            var finished = false;
            for (var j = 0; j < 4; j++)
            {
                if (si == src.Length)
                {
                    if (j == 0) return dst.AsSpan(0, n).ToArray();
                    // A partial quantum without padding.
                    throw Corrupt(si - j);
                }
                var c = src[si++];
                var v = Alphabet[c];
                if (v >= 0)
                {
                    quantum[j] = (byte)v;
                    continue;
                }
                if (c is (byte)'\n' or (byte)'\r')
                {
                    j--;
                    continue;
                }
                if (c != '=') throw Corrupt(si - 1);
                // Padding: only after two or three symbols, and "==" after two.
                if (j < 2) throw Corrupt(si - 1);
                if (j == 2)
                {
                    si = SkipNewlines(src, si);
                    if (si == src.Length) throw Corrupt(src.Length);
                    if (src[si] != '=') throw Corrupt(si - 1);
                    si++;
                }
                si = SkipNewlines(src, si);
                if (si < src.Length) throw Corrupt(si);
                len = j;
                finished = true;
                break;
            }
            var bits = (quantum[0] << 18) | (quantum[1] << 12) | (len > 2 ? quantum[2] << 6 : 0) | (len > 3 ? quantum[3] : 0);
            dst[n++] = (byte)(bits >> 16);
            if (len > 2) dst[n++] = (byte)(bits >> 8);
            if (len > 3) dst[n++] = (byte)bits;
            if (finished) return dst.AsSpan(0, n).ToArray();
        }
    }

    private static int SkipNewlines(ReadOnlySpan<byte> src, int si)
    {
        while (si < src.Length && src[si] is (byte)'\n' or (byte)'\r') si++;
        return si;
    }

    private static ProtoJsonException Corrupt(int at) => new($"illegal base64 data at input byte {at}");

    private static sbyte[] BuildAlphabet()
    {
        var table = new sbyte[256];
        Array.Fill(table, (sbyte)-1);
        const string symbols = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (var i = 0; i < symbols.Length; i++) table[symbols[i]] = (sbyte)i;
        return table;
    }
}

// bcrypt's radix-64: base64 bit order with its own alphabet and no padding.
namespace FastKv.Mvcc.Auth;

internal static class BcryptBase64
{
    private const string Alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private const byte NotInAlphabet = 0xFF;

    private static readonly byte[] Index = BuildIndex();

    private static byte[] BuildIndex()
    {
        var index = new byte[128];
        Array.Fill(index, NotInAlphabet);
        for (var i = 0; i < Alphabet.Length; i++) index[Alphabet[i]] = (byte)i;
        return index;
    }

    public static int EncodedLength(int bytes) => (bytes * 8 + 5) / 6;

    public static void Encode(ReadOnlySpan<byte> data, Span<char> into)
    {
        int o = 0, bits = 0, acc = 0;
        foreach (var b in data)
        {
            acc = (acc << 8) | b;
            bits += 8;
            while (bits >= 6)
            {
                bits -= 6;
                into[o++] = Alphabet[(acc >> bits) & 0x3F];
            }
        }
        if (bits > 0) into[o] = Alphabet[(acc << (6 - bits)) & 0x3F];
    }

    /// <summary>Decodes exactly <paramref name="into"/>.Length bytes; false on a character outside the alphabet or short input.</summary>
    public static bool TryDecode(ReadOnlySpan<char> text, Span<byte> into)
    {
        int o = 0, bits = 0, acc = 0;
        foreach (var c in text)
        {
            if (o == into.Length) break;
            if (c >= 128 || Index[c] == NotInAlphabet) return false;
            acc = (acc << 6) | Index[c];
            bits += 6;
            if (bits >= 8)
            {
                bits -= 8;
                into[o++] = (byte)(acc >> bits);
            }
        }
        return o == into.Length;
    }
}

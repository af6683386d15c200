// bcrypt password hashes as etcd stores them: "$2a$" + two-digit cost + "$" + 22 characters
// of salt + 31 characters of hash. Hashing writes $2a$; verification accepts $2a$, $2b$ and
// $2y$ (the same computation for passwords under 255 bytes). Keys are the UTF-8 password plus
// a terminating zero byte, cut at 72 bytes.
using System.Security.Cryptography;
using System.Text;

namespace FastKv.Mvcc.Auth;

public static class Bcrypt
{
    /// <summary>The cost etcd hashes with.</summary>
    public const int DefaultCost = 10;
    public const int MinCost = 4;
    public const int MaxCost = 31;

    private const int SaltBytes = 16;
    private const int HashBytes = 23;
    private const int MaxKeyBytes = 72;
    private const int SaltChars = 22;
    private const int HashChars = 31;
    private const int PrefixChars = 7; // "$2a$10$"

    private static readonly byte[] MagicText = "OrpheanBeholderScryDoubt"u8.ToArray();

    public static string Hash(string password, int cost = DefaultCost)
    {
        Span<byte> salt = stackalloc byte[SaltBytes];
        RandomNumberGenerator.Fill(salt);
        return Hash(password, salt, cost);
    }

    public static string Hash(string password, ReadOnlySpan<byte> salt, int cost)
    {
        if (cost is < MinCost or > MaxCost) throw new ArgumentOutOfRangeException(nameof(cost), $"bcrypt cost must be {MinCost}..{MaxCost}");
        if (salt.Length != SaltBytes) throw new ArgumentException("bcrypt salt must be 16 bytes", nameof(salt));
        Span<byte> hash = stackalloc byte[HashBytes];
        Compute(password, salt, cost, hash);
        var text = new char[PrefixChars + SaltChars + HashChars];
        $"$2a${cost:D2}$".CopyTo(text);
        BcryptBase64.Encode(salt, text.AsSpan(PrefixChars, SaltChars));
        BcryptBase64.Encode(hash, text.AsSpan(PrefixChars + SaltChars, HashChars));
        return new string(text);
    }

    /// <summary>True when <paramref name="password"/> matches; false for a wrong password or a malformed hash.</summary>
    public static bool Verify(string password, ReadOnlySpan<byte> storedHash)
    {
        if (storedHash.Length != PrefixChars + SaltChars + HashChars) return false;
        Span<char> text = stackalloc char[storedHash.Length];
        for (var i = 0; i < storedHash.Length; i++) text[i] = (char)storedHash[i];
        return Verify(password, text);
    }

    public static bool Verify(string password, ReadOnlySpan<char> stored)
    {
        if (stored.Length != PrefixChars + SaltChars + HashChars) return false;
        if (stored[0] != '$' || stored[1] != '2' || stored[2] is not ('a' or 'b' or 'y') || stored[3] != '$' || stored[6] != '$')
            return false;
        if (!char.IsAsciiDigit(stored[4]) || !char.IsAsciiDigit(stored[5])) return false;
        var cost = (stored[4] - '0') * 10 + (stored[5] - '0');
        if (cost is < MinCost or > MaxCost) return false;

        Span<byte> salt = stackalloc byte[SaltBytes];
        Span<byte> expected = stackalloc byte[HashBytes];
        if (!BcryptBase64.TryDecode(stored.Slice(PrefixChars, SaltChars), salt)) return false;
        if (!BcryptBase64.TryDecode(stored.Slice(PrefixChars + SaltChars, HashChars), expected)) return false;

        Span<byte> actual = stackalloc byte[HashBytes];
        Compute(password, salt, cost, actual);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static void Compute(string password, ReadOnlySpan<byte> salt, int cost, Span<byte> hash)
    {
        var utf8 = Encoding.UTF8.GetByteCount(password);
        var keyLength = Math.Min(utf8 + 1, MaxKeyBytes);
        var buffer = new byte[Math.Max(utf8 + 1, MaxKeyBytes)];
        try
        {
            Encoding.UTF8.GetBytes(password, buffer);
            buffer[utf8] = 0;
            ReadOnlySpan<byte> key = buffer.AsSpan(0, keyLength);

            var state = new Blowfish();
            state.ExpandKey(key, salt);
            var rounds = 1L << cost;
            for (long i = 0; i < rounds; i++)
            {
                state.ExpandKey(key, default);
                state.ExpandKey(salt, default);
            }

            Span<uint> words = stackalloc uint[6];
            for (var i = 0; i < 6; i++) words[i] = Blowfish.ReadWord(MagicText.AsSpan(i * 4));
            for (var n = 0; n < 64; n++)
            {
                for (var i = 0; i < 6; i += 2) state.Encrypt(ref words[i], ref words[i + 1]);
            }
            Span<byte> output = stackalloc byte[24];
            for (var i = 0; i < 6; i++)
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(output[(i * 4)..], words[i]);
            output[..HashBytes].CopyTo(hash);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }
}

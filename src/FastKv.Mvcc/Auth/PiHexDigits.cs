// The hexadecimal digits of pi's fractional part, computed once (Machin's formula in
// BigInteger fixed point) instead of carried as a table: Blowfish's initial P-array and
// S-boxes are exactly these digits, read as big-endian 32-bit words.
using System.Numerics;

namespace FastKv.Mvcc.Auth;

internal static class PiHexDigits
{
    /// <summary>First <paramref name="count"/> 32-bit words of pi's fractional hex digits (0x243F6A88, 0x85A308D3, ...).</summary>
    public static uint[] FractionWords(int count)
    {
        const int guardBits = 64; // each series term truncates by < 1 unit; ~10k terms stay far below 2^64
        var bits = count * 32 + guardBits;
        var one = BigInteger.One << bits;
        // pi = 16 atan(1/5) - 4 atan(1/239)
        var pi = 16 * ArctanInverse(5, one) - 4 * ArctanInverse(239, one);
        var fraction = (pi - 3 * one) >> guardBits;
        var bytes = fraction.ToByteArray(isUnsigned: true, isBigEndian: true);
        var padded = new byte[count * 4];
        bytes.CopyTo(padded, padded.Length - bytes.Length);
        var words = new uint[count];
        for (var i = 0; i < count; i++)
            words[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(padded.AsSpan(i * 4));
        return words;
    }

    // atan(1/x) * one = sum over k of (-1)^k * one / ((2k+1) x^(2k+1))
    private static BigInteger ArctanInverse(int x, BigInteger one)
    {
        var power = one / x;
        var sum = power;
        var x2 = x * x;
        for (var k = 1; !power.IsZero; k++)
        {
            power /= x2;
            var term = power / (2 * k + 1);
            sum += (k & 1) == 1 ? -term : term;
        }
        return sum;
    }
}

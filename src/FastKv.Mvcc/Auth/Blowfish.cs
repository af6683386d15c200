// Blowfish with the expensive key schedule bcrypt needs (EksBlowfish): the initial state
// comes from pi's digits, ExpandKey mixes key and salt into it, Encrypt is the 16-round
// Feistel network.
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace FastKv.Mvcc.Auth;

internal sealed class Blowfish
{
    private const int PCount = 18;
    private const int SCount = 4 * 256;

    // P-array then the four S-boxes, as one run of pi's digits.
    private static readonly Lazy<uint[]> InitialState = new(() => PiHexDigits.FractionWords(PCount + SCount));

    // P-array (18 words) followed by the S-boxes (4 x 256), one pinned block for the hot loops.
    private readonly uint[] _state = GC.AllocateUninitializedArray<uint>(PCount + SCount, pinned: true);

    public Blowfish() => InitialState.Value.CopyTo(_state, 0);

    /// <summary>The initial P-array and S-box words (for checking against the published values).</summary>
    public static ReadOnlySpan<uint> InitialWords => InitialState.Value;

    public unsafe void Encrypt(ref uint left, ref uint right)
    {
        fixed (uint* state = _state) Encrypt(state, ref left, ref right);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe uint F(uint* s, uint x) =>
        ((s[x >> 24] + s[256 + ((x >> 16) & 0xFF)]) ^ s[512 + ((x >> 8) & 0xFF)]) + s[768 + (x & 0xFF)];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Encrypt(uint* p, ref uint left, ref uint right)
    {
        var s = p + PCount;
        var l = left ^ p[0];
        var r = right;
        for (var i = 1; i <= 16; i += 2)
        {
            r ^= F(s, l) ^ p[i];
            l ^= F(s, r) ^ p[i + 1];
        }
        left = r ^ p[17];
        right = l;
    }

    /// <summary>ExpandKey(state, salt, key); an empty salt is the salt-less variant.</summary>
    public unsafe void ExpandKey(ReadOnlySpan<byte> key, ReadOnlySpan<byte> salt)
    {
        fixed (uint* p = _state)
        {
            var keyPos = 0;
            for (var i = 0; i < PCount; i++) p[i] ^= NextWord(key, ref keyPos);

            var saltPos = 0;
            uint l = 0, r = 0;
            var hasSalt = !salt.IsEmpty;
            // The P-array and the S-boxes are contiguous, so one pass replaces both in order.
            for (var i = 0; i < PCount + SCount; i += 2)
            {
                if (hasSalt)
                {
                    l ^= NextWord(salt, ref saltPos);
                    r ^= NextWord(salt, ref saltPos);
                }
                Encrypt(p, ref l, ref r);
                p[i] = l;
                p[i + 1] = r;
            }
        }
    }

    /// <summary>The next four bytes of <paramref name="data"/>, cycling, as a big-endian word.</summary>
    private static uint NextWord(ReadOnlySpan<byte> data, ref int pos)
    {
        uint word = 0;
        for (var i = 0; i < 4; i++)
        {
            word = (word << 8) | data[pos];
            pos = pos + 1 == data.Length ? 0 : pos + 1;
        }
        return word;
    }

    internal static uint ReadWord(ReadOnlySpan<byte> data) => BinaryPrimitives.ReadUInt32BigEndian(data);
}

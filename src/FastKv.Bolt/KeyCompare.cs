// Key comparison for the search hot path. Keys are ordered bytewise; comparing the first eight
// bytes as one big-endian integer settles almost every comparison of a binary search in one step,
// and only equal prefixes fall through to the general span comparison.
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace FastKv.Bolt;

internal static unsafe class KeyCompare
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Compare(byte* a, int aLength, ReadOnlySpan<byte> b)
    {
        if (aLength >= 8 && b.Length >= 8)
        {
            ulong x = BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<ulong>(a));
            ulong y = BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<ulong>(ref Unsafe.AsRef(in b[0])));
            if (x != y) return x < y ? -1 : 1;
        }
        return new ReadOnlySpan<byte>(a, aLength).SequenceCompareTo(b);
    }
}

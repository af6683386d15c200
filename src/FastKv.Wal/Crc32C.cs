// CRC-32C (Castagnoli), the checksum of etcd's WAL records and snapshot files.
// Append has the "continue from a previous checksum" meaning etcd relies on: the value passed in is a
// finished checksum, so Append(Append(0, a), b) == Append(0, a ++ b). That is what lets a CRC chain
// run across records and across segment files.
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace FastKv.Wal;

public static class Crc32C
{
    /// <summary>The reflected Castagnoli polynomial.</summary>
    public const uint Polynomial = 0x82F63B78u;

    private static readonly uint[] Table = BuildTables();

    /// <summary>True when the CPU's CRC32C instruction is used.</summary>
    public static bool IsHardwareAccelerated => Sse42.X64.IsSupported || Sse42.IsSupported || Crc32.Arm64.IsSupported || Crc32.IsSupported;

    /// <summary>Checksum of <paramref name="data"/> continued from the finished checksum <paramref name="crc"/>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data) =>
        IsHardwareAccelerated ? AppendHardware(crc, data) : AppendTable(crc, data);

    /// <summary>Checksum of <paramref name="data"/> alone.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>The instruction-based path; only callable when <see cref="IsHardwareAccelerated"/>.</summary>
    public static uint AppendHardware(uint crc, ReadOnlySpan<byte> data)
    {
        if (!IsHardwareAccelerated)
            throw new PlatformNotSupportedException("this CPU has no CRC32C instruction");
        uint state = ~crc;
        ref byte p = ref MemoryMarshal.GetReference(data);
        int length = data.Length;
        int i = 0;
        if (Sse42.X64.IsSupported)
        {
            ulong s = state;
            for (; i + 8 <= length; i += 8)
                s = Sse42.X64.Crc32(s, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i)));
            state = (uint)s;
            for (; i < length; i++)
                state = Sse42.Crc32(state, Unsafe.Add(ref p, i));
        }
        else if (Sse42.IsSupported)
        {
            for (; i + 4 <= length; i += 4)
                state = Sse42.Crc32(state, Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref p, i)));
            for (; i < length; i++)
                state = Sse42.Crc32(state, Unsafe.Add(ref p, i));
        }
        else if (Crc32.Arm64.IsSupported)
        {
            for (; i + 8 <= length; i += 8)
                state = Crc32.Arm64.ComputeCrc32C(state, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i)));
            for (; i < length; i++)
                state = Crc32.ComputeCrc32C(state, Unsafe.Add(ref p, i));
        }
        else
        {
            for (; i + 4 <= length; i += 4)
                state = Crc32.ComputeCrc32C(state, Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref p, i)));
            for (; i < length; i++)
                state = Crc32.ComputeCrc32C(state, Unsafe.Add(ref p, i));
        }
        return ~state;
    }

    /// <summary>The portable path: slicing-by-8 tables. Used when the CPU lacks the instruction, and by tests to cross-check.</summary>
    public static uint AppendTable(uint crc, ReadOnlySpan<byte> data)
    {
        uint[] t = Table;
        uint state = ~crc;
        int i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            uint lo = BinaryPrimitives.ReadUInt32LittleEndian(data[i..]) ^ state;
            uint hi = BinaryPrimitives.ReadUInt32LittleEndian(data[(i + 4)..]);
            state = t[7 * 256 + (lo & 0xFF)] ^ t[6 * 256 + ((lo >> 8) & 0xFF)] ^
                    t[5 * 256 + ((lo >> 16) & 0xFF)] ^ t[4 * 256 + (lo >> 24)] ^
                    t[3 * 256 + (hi & 0xFF)] ^ t[2 * 256 + ((hi >> 8) & 0xFF)] ^
                    t[1 * 256 + ((hi >> 16) & 0xFF)] ^ t[hi >> 24];
        }
        for (; i < data.Length; i++)
            state = t[(state ^ data[i]) & 0xFF] ^ (state >> 8);
        return ~state;
    }

    private static uint[] BuildTables()
    {
        var t = new uint[8 * 256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
                c = (c & 1) != 0 ? (c >> 1) ^ Polynomial : c >> 1;
            t[n] = c;
        }
        for (int slice = 1; slice < 8; slice++)
            for (int n = 0; n < 256; n++)
            {
                uint prev = t[(slice - 1) * 256 + n];
                t[slice * 256 + n] = t[prev & 0xFF] ^ (prev >> 8);
            }
        return t;
    }
}

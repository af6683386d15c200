// CRC-32C (Castagnoli), the checksum of a commit manifest's pages. Uses the CPU's CRC32C
// instruction where there is one (x86 SSE4.2, Arm64 CRC32) and a table otherwise. Kept inside
// Bolt so the page file depends on nothing else in FastKv.
using System.Buffers.Binary;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace FastKv.Bolt.Format;

public static class Crc32C
{
    private const uint Polynomial = 0x82F63B78; // reflected Castagnoli polynomial
    private static readonly uint[] Table = BuildTable();

    /// <summary>The CRC-32C of <paramref name="data"/> (initial value and final xor 0xFFFFFFFF, as iSCSI/ext4 use).</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Update(0xFFFFFFFF, data);

    /// <summary>Continues a running (not yet inverted) CRC over more bytes.</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        if (Sse42.X64.IsSupported)
        {
            ulong c = crc;
            while (data.Length >= 8)
            {
                c = Sse42.X64.Crc32(c, BinaryPrimitives.ReadUInt64LittleEndian(data));
                data = data[8..];
            }
            crc = (uint)c;
            foreach (byte b in data) crc = Sse42.Crc32(crc, b);
            return crc;
        }
        if (Crc32.Arm64.IsSupported)
        {
            while (data.Length >= 8)
            {
                crc = Crc32.Arm64.ComputeCrc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
                data = data[8..];
            }
            foreach (byte b in data) crc = Crc32.ComputeCrc32C(crc, b);
            return crc;
        }
        return UpdateTable(crc, data);
    }

    /// <summary>The portable path, public so tests can compare it with the instruction.</summary>
    public static uint UpdateTable(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >> 1) ^ Polynomial : c >> 1;
            table[i] = c;
        }
        return table;
    }
}

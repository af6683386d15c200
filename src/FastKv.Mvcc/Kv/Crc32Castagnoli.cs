// CRC-32C over the key space for Hash/HashKV, with etcd's meaning (members compare these to
// detect divergence, so the polynomial and byte order must match). The Mvcc layer does not
// reference the WAL project, so it carries its own small implementation.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace FastKv.Mvcc.Kv;

internal struct Crc32Castagnoli
{
    private static readonly uint[] Table = BuildTable();
    private uint _state;

    public Crc32Castagnoli() => _state = ~0u;

    public readonly uint Value => ~_state;

    public void Append(ReadOnlySpan<byte> data)
    {
        uint s = _state;
        ref byte p = ref MemoryMarshal.GetReference(data);
        int i = 0, n = data.Length;
        if (Sse42.X64.IsSupported)
        {
            ulong w = s;
            for (; i + 8 <= n; i += 8) w = Sse42.X64.Crc32(w, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i)));
            s = (uint)w;
            for (; i < n; i++) s = Sse42.Crc32(s, Unsafe.Add(ref p, i));
        }
        else if (Crc32.Arm64.IsSupported)
        {
            for (; i + 8 <= n; i += 8) s = Crc32.Arm64.ComputeCrc32C(s, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i)));
            for (; i < n; i++) s = Crc32.ComputeCrc32C(s, Unsafe.Add(ref p, i));
        }
        else
        {
            AppendPortable(data);
            return;
        }
        _state = s;
    }

    /// <summary>The table-driven path, for CPUs without a CRC32C instruction.</summary>
    internal void AppendPortable(ReadOnlySpan<byte> data)
    {
        uint s = _state;
        foreach (byte b in data) s = Table[(s ^ b) & 0xFF] ^ (s >> 8);
        _state = s;
    }

    private static uint[] BuildTable()
    {
        var t = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0x82F63B78u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }
}

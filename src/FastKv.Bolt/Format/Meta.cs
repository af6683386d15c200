// The meta record stored right after the page header of pages 0 and 1. A commit writes the meta
// of transaction T to page T % 2, so one meta always survives a torn meta write; the checksum
// (FNV-1a 64 over the fields before it) tells which.
using System.Runtime.InteropServices;

namespace FastKv.Bolt.Format;

[StructLayout(LayoutKind.Sequential, Size = 64)]
public struct Meta
{
    public uint Magic;
    public uint Version;
    public uint PageSize;
    public uint Flags;
    public BucketHeader Root;
    public ulong Freelist;
    /// <summary>High-water mark: the first page id past the end of the used file.</summary>
    public ulong Pgid;
    public ulong Txid;
    public ulong Checksum;

    public const int Size = 64;
    public const int ChecksummedBytes = 56;
    public const uint MagicValue = 0xED0CDAED;
    public const uint VersionValue = 2;
    /// <summary>Freelist page id meaning "not persisted; rebuild it by walking the tree".</summary>
    public const ulong NoFreelist = ulong.MaxValue;

    public readonly unsafe ulong ComputeChecksum()
    {
        fixed (Meta* self = &this)
            return Fnv64a.Hash(new ReadOnlySpan<byte>(self, ChecksummedBytes));
    }

    public void Seal() => Checksum = ComputeChecksum();

    /// <summary>Why this meta cannot be used, or null when it can.</summary>
    public readonly string? Problem()
    {
        if (Magic != MagicValue) return $"bad magic 0x{Magic:x8} (want 0x{MagicValue:x8}): not a bolt file";
        if (Version != VersionValue) return $"unsupported version {Version} (want {VersionValue})";
        if (Checksum != ComputeChecksum()) return "meta checksum mismatch";
        return null;
    }
}

/// <summary>FNV-1a, 64-bit: the meta checksum.</summary>
public static class Fnv64a
{
    public static ulong Hash(ReadOnlySpan<byte> data)
    {
        ulong h = 14695981039346656037UL;
        foreach (byte b in data)
        {
            h ^= b;
            h *= 1099511628211UL;
        }
        return h;
    }
}

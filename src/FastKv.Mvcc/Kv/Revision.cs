// A point in the key space's history: the main revision (one per write transaction) and the
// sub revision (the position of a write inside it). Encodes to etcd's `key` bucket keys:
// main big-endian u64, '_', sub big-endian u64, and a trailing 't' for a tombstone.
using System.Buffers.Binary;

namespace FastKv.Mvcc.Kv;

public readonly record struct Revision(long Main, long Sub) : IComparable<Revision>
{
    public const int KeySize = 17;
    public const int TombstoneKeySize = 18;
    public const byte TombstoneMark = (byte)'t';

    public int CompareTo(Revision other)
    {
        int c = Main.CompareTo(other.Main);
        return c != 0 ? c : Sub.CompareTo(other.Sub);
    }

    public static bool operator <(Revision a, Revision b) => a.CompareTo(b) < 0;
    public static bool operator >(Revision a, Revision b) => a.CompareTo(b) > 0;
    public static bool operator <=(Revision a, Revision b) => a.CompareTo(b) <= 0;
    public static bool operator >=(Revision a, Revision b) => a.CompareTo(b) >= 0;

    /// <summary>Writes the 17-byte key (18 with the tombstone mark) into <paramref name="into"/>; returns its length.</summary>
    public int Write(Span<byte> into, bool tombstone = false)
    {
        BinaryPrimitives.WriteUInt64BigEndian(into, (ulong)Main);
        into[8] = (byte)'_';
        BinaryPrimitives.WriteUInt64BigEndian(into[9..], (ulong)Sub);
        if (!tombstone) return KeySize;
        into[KeySize] = TombstoneMark;
        return TombstoneKeySize;
    }

    public byte[] ToKey(bool tombstone = false)
    {
        var k = new byte[tombstone ? TombstoneKeySize : KeySize];
        Write(k, tombstone);
        return k;
    }

    /// <summary>Parses a `key` bucket key; false for anything that is not etcd's layout.</summary>
    public static bool TryParse(ReadOnlySpan<byte> key, out Revision revision, out bool tombstone)
    {
        revision = default;
        tombstone = false;
        if (key.Length < KeySize || key.Length > TombstoneKeySize || key[8] != (byte)'_') return false;
        if (key.Length == TombstoneKeySize)
        {
            if (key[KeySize] != TombstoneMark) return false;
            tombstone = true;
        }
        revision = new Revision((long)BinaryPrimitives.ReadUInt64BigEndian(key), (long)BinaryPrimitives.ReadUInt64BigEndian(key[9..]));
        return true;
    }

    public override string ToString() => $"{Main}_{Sub}";
}

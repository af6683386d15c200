// The 8-byte little-endian length word that precedes every record. Records are padded to a multiple
// of 8 bytes so the next length word never straddles a sector; when padding is present, the top byte
// holds 0x80 | padding, and the low 56 bits hold the unpadded record length.
namespace FastKv.Wal;

internal static class FrameSize
{
    public const int LengthFieldBytes = 8;
    private const ulong LengthMask = (1UL << 56) - 1;

    public static int PaddingFor(int recordBytes) => (8 - (recordBytes % 8)) % 8;

    public static ulong Encode(int recordBytes)
    {
        int padding = PaddingFor(recordBytes);
        ulong word = (ulong)recordBytes;
        if (padding != 0)
            word |= (ulong)(0x80 | padding) << 56;
        return word;
    }

    /// <summary>Splits a length word; false when the top byte is neither 0 nor a valid padding marker.</summary>
    public static bool TryDecode(ulong word, out long recordBytes, out int padding)
    {
        recordBytes = (long)(word & LengthMask);
        byte top = (byte)(word >> 56);
        padding = 0;
        if (top == 0)
            return true; // unpadded: etcd's reader accepts any length here
        if ((top & 0x80) == 0 || (top & 0x78) != 0)
            return false;
        padding = top & 0x7;
        return padding != 0;
    }
}

// One ".snap" file: snappb.snapshot {crc=1 uint32, data=2 bytes}, where data is an encoded raftpb.Snapshot
// and crc its CRC-32C. Named "%016x-%016x.snap" of (term, index).
using System.Globalization;

namespace FastKv.Wal;

public static class SnapshotFile
{
    public const string Extension = ".snap";

    public static string FileName(ulong term, ulong index) => $"{term:x16}-{index:x16}{Extension}";

    public static bool TryParseName(string fileName, out ulong term, out ulong index)
    {
        term = index = 0;
        return fileName.Length == 33 + Extension.Length && fileName.EndsWith(Extension, StringComparison.Ordinal) && fileName[16] == '-' &&
            ulong.TryParse(fileName.AsSpan(0, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out term) &&
            ulong.TryParse(fileName.AsSpan(17, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out index);
    }

    public static byte[] Encode(RaftSnapshot snapshot)
    {
        byte[] body = snapshot.Encode();
        uint crc = Crc32C.Compute(body);
        var buffer = new byte[ProtoWire.VarintFieldSize(1, crc) + ProtoWire.BytesFieldSize(2, body.Length)];
        int p = ProtoWire.WriteVarintField(buffer, 0, 1, crc);
        ProtoWire.WriteBytesField(buffer, p, 2, body);
        return buffer;
    }

    /// <summary>Decodes and verifies a snapshot file's bytes; throws <see cref="InvalidDataException"/> naming what is wrong.</summary>
    public static RaftSnapshot Decode(ReadOnlySpan<byte> file)
    {
        if (file.IsEmpty)
            throw new InvalidDataException("empty snapshot file");
        uint crc = 0;
        ReadOnlySpan<byte> body = default;
        int p = 0;
        while (ProtoWire.TryReadTag(file, ref p, out int field, out int wire))
        {
            if (field == 1)
            {
                ProtoWire.ExpectWireType(field, wire, ProtoWire.WireVarint);
                ulong value = ProtoWire.ReadVarint(file, ref p);
                if (value > uint.MaxValue)
                    throw new InvalidDataException("snapshot crc does not fit in 32 bits");
                crc = (uint)value;
            }
            else if (field == 2)
            {
                ProtoWire.ExpectWireType(field, wire, ProtoWire.WireLengthDelimited);
                body = ProtoWire.ReadLengthDelimited(file, ref p);
            }
            else
                ProtoWire.SkipField(file, ref p, wire);
        }
        if (body.IsEmpty || crc == 0)
            throw new InvalidDataException("snapshot file holds no data or no checksum");
        uint actual = Crc32C.Compute(body);
        if (actual != crc)
            throw new InvalidDataException($"snapshot checksum mismatch: file says 0x{crc:x8}, data gives 0x{actual:x8}");
        return RaftSnapshot.Decode(body);
    }
}

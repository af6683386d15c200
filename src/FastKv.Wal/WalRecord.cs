// walpb.Record {type=1 int64, crc=2 uint32, data=3 bytes}: the envelope of every WAL record.
// The crc field holds the running CRC-32C of all record data up to and including this record's.
namespace FastKv.Wal;

internal static class WalRecord
{
    /// <summary>Largest header (type + crc + data length prefix) before the data bytes.</summary>
    public const int MaxHeaderSize = 1 + ProtoWire.MaxVarintSize + 1 + 5 + 1 + 5;

    public static int HeaderSize(RecordType type, uint crc, int dataLength) =>
        ProtoWire.VarintFieldSize(1, (ulong)type) + ProtoWire.VarintFieldSize(2, crc) +
        (dataLength == 0 ? 0 : ProtoWire.TagSize(3) + ProtoWire.VarintSize((ulong)dataLength));

    /// <summary>Writes the fields before the data; the data (if any) must follow immediately.</summary>
    public static int WriteHeader(Span<byte> destination, RecordType type, uint crc, int dataLength)
    {
        int p = ProtoWire.WriteVarintField(destination, 0, 1, (ulong)type);
        p = ProtoWire.WriteVarintField(destination, p, 2, crc);
        if (dataLength != 0)
        {
            p = ProtoWire.WriteTag(destination, p, 3, ProtoWire.WireLengthDelimited);
            p = ProtoWire.WriteVarint(destination, p, (ulong)dataLength);
        }
        return p;
    }

    /// <summary>Parses a record; the returned data aliases <paramref name="source"/>.</summary>
    public static void Decode(ReadOnlySpan<byte> source, out RecordType type, out uint crc, out ReadOnlySpan<byte> data)
    {
        type = 0;
        crc = 0;
        data = default;
        int p = 0;
        while (ProtoWire.TryReadTag(source, ref p, out int field, out int wire))
        {
            switch (field)
            {
                case 1: ProtoWire.ExpectWireType(field, wire, ProtoWire.WireVarint); type = (RecordType)(long)ProtoWire.ReadVarint(source, ref p); break;
                case 2:
                    ProtoWire.ExpectWireType(field, wire, ProtoWire.WireVarint);
                    ulong value = ProtoWire.ReadVarint(source, ref p);
                    if (value > uint.MaxValue)
                        throw new InvalidDataException("record crc does not fit in 32 bits");
                    crc = (uint)value;
                    break;
                case 3: ProtoWire.ExpectWireType(field, wire, ProtoWire.WireLengthDelimited); data = ProtoWire.ReadLengthDelimited(source, ref p); break;
                default: ProtoWire.SkipField(source, ref p, wire); break;
            }
        }
    }
}

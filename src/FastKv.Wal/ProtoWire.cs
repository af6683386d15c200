// Minimal protobuf wire-format primitives (varints, tags, length-delimited fields) over spans.
// The WAL's messages are tiny and fixed, so they are encoded by hand here instead of through
// generated classes: no allocation, and the byte layout matches what etcd's gogoproto code emits.
using System.Runtime.CompilerServices;

namespace FastKv.Wal;

internal static class ProtoWire
{
    public const int WireVarint = 0;
    public const int WireFixed64 = 1;
    public const int WireLengthDelimited = 2;
    public const int WireFixed32 = 5;

    public const int MaxVarintSize = 10;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int VarintSize(ulong value)
    {
        // 1 byte per started group of 7 bits; zero still takes one byte.
        int bits = 64 - System.Numerics.BitOperations.LeadingZeroCount(value | 1);
        return (bits + 6) / 7;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int WriteVarint(Span<byte> destination, int position, ulong value)
    {
        while (value >= 0x80)
        {
            destination[position++] = (byte)(value | 0x80);
            value >>= 7;
        }
        destination[position++] = (byte)value;
        return position;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int WriteTag(Span<byte> destination, int position, int field, int wireType) =>
        WriteVarint(destination, position, (ulong)((field << 3) | wireType));

    public static int TagSize(int field) => VarintSize((ulong)(field << 3));

    /// <summary>Size of a varint field including its tag.</summary>
    public static int VarintFieldSize(int field, ulong value) => TagSize(field) + VarintSize(value);

    /// <summary>Size of a bytes field including its tag and length prefix.</summary>
    public static int BytesFieldSize(int field, int length) => TagSize(field) + VarintSize((ulong)length) + length;

    public static int WriteVarintField(Span<byte> destination, int position, int field, ulong value)
    {
        position = WriteTag(destination, position, field, WireVarint);
        return WriteVarint(destination, position, value);
    }

    public static int WriteBytesField(Span<byte> destination, int position, int field, ReadOnlySpan<byte> value)
    {
        position = WriteTag(destination, position, field, WireLengthDelimited);
        position = WriteVarint(destination, position, (ulong)value.Length);
        value.CopyTo(destination[position..]);
        return position + value.Length;
    }

    /// <summary>Reads a varint; throws <see cref="InvalidDataException"/> when it is truncated or longer than 10 bytes.</summary>
    public static ulong ReadVarint(ReadOnlySpan<byte> source, scoped ref int position)
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (position >= source.Length)
                throw new InvalidDataException("truncated varint");
            byte b = source[position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
                return result;
        }
        throw new InvalidDataException("varint longer than 10 bytes");
    }

    /// <summary>Reads a field tag; returns false at the end of the message.</summary>
    public static bool TryReadTag(ReadOnlySpan<byte> source, ref int position, out int field, out int wireType)
    {
        if (position >= source.Length)
        {
            field = 0;
            wireType = 0;
            return false;
        }
        ulong tag = ReadVarint(source, ref position);
        field = (int)(tag >> 3);
        wireType = (int)(tag & 7);
        if (field <= 0 || tag >> 3 > int.MaxValue)
            throw new InvalidDataException($"invalid field number {tag >> 3}");
        return true;
    }

    public static ReadOnlySpan<byte> ReadLengthDelimited(ReadOnlySpan<byte> source, scoped ref int position)
    {
        ulong length = ReadVarint(source, ref position);
        if (length > (ulong)(source.Length - position))
            throw new InvalidDataException($"length-delimited field of {length} bytes runs past the end of the message");
        var value = source.Slice(position, (int)length);
        position += (int)length;
        return value;
    }

    /// <summary>Skips a field of an unknown number, as every protobuf reader must.</summary>
    /// <summary>Reads a message made of two varint fields, 1 and 2 (WAL metadata, snapshot markers); absent fields are 0, unknown ones skipped.</summary>
    public static (ulong First, ulong Second) ReadVarintPair(ReadOnlySpan<byte> source)
    {
        ulong first = 0, second = 0;
        int p = 0;
        while (TryReadTag(source, ref p, out int field, out int wire))
        {
            switch (field)
            {
                case 1: ExpectWireType(field, wire, WireVarint); first = ReadVarint(source, ref p); break;
                case 2: ExpectWireType(field, wire, WireVarint); second = ReadVarint(source, ref p); break;
                default: SkipField(source, ref p, wire); break;
            }
        }
        return (first, second);
    }

    public static void SkipField(ReadOnlySpan<byte> source, ref int position, int wireType)
    {
        switch (wireType)
        {
            case WireVarint:
                ReadVarint(source, ref position);
                break;
            case WireFixed64:
                Advance(source, ref position, 8);
                break;
            case WireLengthDelimited:
                ReadLengthDelimited(source, ref position);
                break;
            case WireFixed32:
                Advance(source, ref position, 4);
                break;
            default:
                throw new InvalidDataException($"unsupported wire type {wireType}");
        }
    }

    public static void ExpectWireType(int field, int actual, int expected)
    {
        if (actual != expected)
            throw new InvalidDataException($"field {field} has wire type {actual}, expected {expected}");
    }

    private static void Advance(ReadOnlySpan<byte> source, ref int position, int count)
    {
        if (source.Length - position < count)
            throw new InvalidDataException("truncated fixed-width field");
        position += count;
    }
}

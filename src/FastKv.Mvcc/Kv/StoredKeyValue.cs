// Reads and writes the values of the `key` bucket: serialized mvccpb.KeyValue messages
// (key 1, create_revision 2, mod_revision 3, version 4, value 5, lease 6). Rebuilding the index
// needs only the small fields, so it reads them without materializing the value.
using FastKv.Api.Mvccpb;

namespace FastKv.Mvcc.Kv;

internal static class StoredKeyValue
{
    /// <summary>
    /// The same bytes protobuf writes for a KeyValue with these fields (fields in number order,
    /// zero and empty fields left out), without building the message first.
    /// </summary>
    public static byte[] Serialize(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long create, long mod, long version, long lease)
    {
        var bytes = new byte[Size(key.Length, value.Length, create, mod, version, lease)];
        Write(bytes, key, value, create, mod, version, lease);
        return bytes;
    }

    public static int Size(int keyLength, int valueLength, long create, long mod, long version, long lease) =>
        BytesField(keyLength) + VarintField(create) + VarintField(mod) + VarintField(version) + BytesField(valueLength) + VarintField(lease);

    /// <summary>Serializes into <paramref name="into"/>, which holds exactly <see cref="Size"/> bytes.</summary>
    public static void Write(Span<byte> into, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long create, long mod, long version, long lease)
    {
        var bytes = into;
        int i = 0;
        WriteBytes(bytes, ref i, 1, key);
        WriteVarintField(bytes, ref i, 2, create);
        WriteVarintField(bytes, ref i, 3, mod);
        WriteVarintField(bytes, ref i, 4, version);
        WriteBytes(bytes, ref i, 5, value);
        WriteVarintField(bytes, ref i, 6, lease);
    }

    private static int VarintSize(ulong v)
    {
        int n = 1;
        while (v >= 0x80) { v >>= 7; n++; }
        return n;
    }

    private static int VarintField(long v) => v == 0 ? 0 : 1 + VarintSize((ulong)v);
    private static int BytesField(int length) => length == 0 ? 0 : 1 + VarintSize((ulong)length) + length;

    private static void WriteVarint(Span<byte> into, ref int i, ulong v)
    {
        while (v >= 0x80)
        {
            into[i++] = (byte)(v | 0x80);
            v >>= 7;
        }
        into[i++] = (byte)v;
    }

    private static void WriteVarintField(Span<byte> into, ref int i, int field, long v)
    {
        if (v == 0) return;
        into[i++] = (byte)(field << 3);
        WriteVarint(into, ref i, (ulong)v);
    }

    private static void WriteBytes(Span<byte> into, ref int i, int field, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return;
        into[i++] = (byte)((field << 3) | 2);
        WriteVarint(into, ref i, (ulong)data.Length);
        data.CopyTo(into[i..]);
        i += data.Length;
    }

    public static KeyValue Parse(ReadOnlySpan<byte> bytes) => KeyValue.Parser.ParseFrom(bytes);

    /// <summary>The key and the index-relevant numbers of a stored KeyValue; false when malformed.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> bytes, out ReadOnlySpan<byte> key, out long createRevision, out long version, out long lease)
    {
        key = default;
        createRevision = version = lease = 0;
        int i = 0;
        while (i < bytes.Length)
        {
            if (!TryVarint(bytes, ref i, out ulong tag)) return false;
            int field = (int)(tag >> 3), wire = (int)(tag & 7);
            if (wire == 0)
            {
                if (!TryVarint(bytes, ref i, out ulong v)) return false;
                switch (field)
                {
                    case 2: createRevision = (long)v; break;
                    case 4: version = (long)v; break;
                    case 6: lease = (long)v; break;
                }
            }
            else if (wire == 2)
            {
                if (!TryVarint(bytes, ref i, out ulong len) || len > (ulong)(bytes.Length - i)) return false;
                if (field == 1) key = bytes.Slice(i, (int)len);
                i += (int)len;
            }
            else if (wire == 1) i += 8;
            else if (wire == 5) i += 4;
            else return false;
        }
        return i == bytes.Length;
    }

    private static bool TryVarint(ReadOnlySpan<byte> bytes, ref int i, out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 64 && i < bytes.Length; shift += 7)
        {
            byte b = bytes[i++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return true;
        }
        return false;
    }
}

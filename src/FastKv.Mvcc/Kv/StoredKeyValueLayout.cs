// Where the fields of a stored KeyValue sit, found by one scan of its bytes, for paths that copy
// stored values to the wire or reuse a previous value without parsing a message. The scan
// accepts only the canonical encoding Google.Protobuf itself writes (fields 1..6 each at most
// once, in number order, no zero or empty field, minimal varints): those bytes are exactly what
// serializing the parsed message gives, so copying them is the same as re-serializing. Anything
// else (another writer's odd but valid encoding) makes callers fall back to the parser.
namespace FastKv.Mvcc.Kv;

internal readonly struct StoredKeyValueLayout
{
    public long CreateRevision { get; private init; }
    public long ModRevision { get; private init; }
    public long Lease { get; private init; }
    /// <summary>Offset of field 5 (value) including its tag; equals ValueFieldEnd when the value is empty.</summary>
    public int ValueFieldStart { get; private init; }
    public int ValueFieldEnd { get; private init; }
    /// <summary>Offset of the value's bytes (after the tag and length).</summary>
    public int ValueStart { get; private init; }

    public ReadOnlySpan<byte> Value(ReadOnlySpan<byte> stored) => stored[ValueStart..ValueFieldEnd];

    /// <summary>Length of the same KeyValue without its value field (keys_only).</summary>
    public int LengthWithoutValue(int storedLength) => storedLength - (ValueFieldEnd - ValueFieldStart);

    public static bool TryScan(ReadOnlySpan<byte> bytes, out StoredKeyValueLayout layout)
    {
        layout = default;
        long create = 0, mod = 0, lease = 0;
        int valueFieldStart = -1, valueStart = -1, valueFieldEnd = -1;
        int lastField = 0, i = 0;
        while (i < bytes.Length)
        {
            int fieldStart = i;
            byte tag = bytes[i++];
            int field = tag >> 3, wire = tag & 7;
            // Tags of fields 1..6 are single bytes; a larger or repeated or out-of-order field is not canonical.
            if (tag >= 0x80 || field <= lastField || field > 6) return false;
            lastField = field;
            bool lengthDelimited = field is 1 or 5;
            if (wire != (lengthDelimited ? ProtoWire.WireLengthDelimited : ProtoWire.WireVarint)) return false;
            if (!TryCanonicalVarint(bytes, ref i, out ulong v) || v == 0) return false;
            if (lengthDelimited)
            {
                if (v > (ulong)(bytes.Length - i)) return false;
                if (field == 5)
                {
                    valueFieldStart = fieldStart;
                    valueStart = i;
                    valueFieldEnd = i + (int)v;
                }
                i += (int)v;
                continue;
            }
            switch (field)
            {
                case 2: create = (long)v; break;
                case 3: mod = (long)v; break;
                case 6: lease = (long)v; break;
            }
        }
        if (valueFieldStart < 0)
        {
            // No value: an empty field range at the place it would go keeps keys_only's arithmetic uniform.
            valueFieldStart = valueStart = valueFieldEnd = bytes.Length;
        }
        layout = new StoredKeyValueLayout
        {
            CreateRevision = create,
            ModRevision = mod,
            Lease = lease,
            ValueFieldStart = valueFieldStart,
            ValueStart = valueStart,
            ValueFieldEnd = valueFieldEnd,
        };
        return true;
    }

    // Minimal: a multi-byte varint does not end in a zero byte, and the tenth byte holds only bit 63.
    private static bool TryCanonicalVarint(ReadOnlySpan<byte> bytes, ref int i, out ulong value)
    {
        value = 0;
        int start = i;
        for (int shift = 0; shift < 70 && i < bytes.Length; shift += 7)
        {
            byte b = bytes[i++];
            if (shift == 63 && b > 1) return false;
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return b != 0 || i - start == 1;
        }
        return false;
    }
}

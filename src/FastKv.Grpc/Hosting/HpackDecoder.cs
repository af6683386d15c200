// An HPACK decoder (RFC 7541) for one direction of one connection: integer and string literals,
// the static and dynamic tables, table size updates. Used only by the authority rewriter, so it
// favours clarity over speed; every malformed input is a false return, never an exception.
namespace FastKv.Grpc.Hosting;

internal sealed class HpackDecoder(int maxTableSizeLimit)
{
    // Newest entry first: dynamic index 1 is the most recently inserted field.
    private readonly List<HpackHeaderField> _table = [];
    private readonly int _maxTableSizeLimit = maxTableSizeLimit;
    private int _maxTableSize = maxTableSizeLimit;
    private int _tableSize;

    public int TableSize => _tableSize;

    public int MaxTableSize => _maxTableSize;

    /// <summary>
    /// Decodes one complete header block, appending its fields. False on any coding error or when
    /// the decoded fields (counted as table sizes) exceed maxListSize; the table is then unusable.
    /// </summary>
    public bool TryDecode(ReadOnlySpan<byte> block, List<HpackHeaderField> fields, int maxListSize = 1 << 20)
    {
        var listSize = 0;
        var sawField = false;
        while (!block.IsEmpty)
        {
            var first = block[0];
            HpackHeaderField field;
            if ((first & 0x80) != 0)
            {
                if (!TryReadInteger(ref block, 7, out var index) || !TryGetIndexed(index, out field)) return false;
            }
            else if ((first & 0xC0) == 0x40)
            {
                if (!TryReadLiteral(ref block, 6, out field)) return false;
                Insert(field);
            }
            else if ((first & 0xE0) == 0x20)
            {
                // Only allowed before the block's first field (RFC 7541 section 4.2).
                if (sawField || !TryReadInteger(ref block, 5, out var size) || size > _maxTableSizeLimit) return false;
                _maxTableSize = size;
                Evict(0);
                continue;
            }
            else
            {
                // 0000xxxx without indexing, 0001xxxx never indexed: same shape, no table change.
                if (!TryReadLiteral(ref block, 4, out field)) return false;
            }
            sawField = true;
            listSize += field.TableSize;
            if (listSize > maxListSize) return false;
            fields.Add(field);
        }
        return true;
    }

    private bool TryGetIndexed(int index, out HpackHeaderField field)
    {
        field = default;
        if (index <= 0) return false;
        if (index <= HpackStaticTable.Count)
        {
            field = HpackStaticTable.Get(index);
            return true;
        }
        var dynamicIndex = index - HpackStaticTable.Count - 1;
        if (dynamicIndex >= _table.Count) return false;
        field = _table[dynamicIndex];
        return true;
    }

    private bool TryReadLiteral(ref ReadOnlySpan<byte> block, int prefixBits, out HpackHeaderField field)
    {
        field = default;
        if (!TryReadInteger(ref block, prefixBits, out var nameIndex)) return false;
        byte[] name;
        if (nameIndex == 0)
        {
            if (!TryReadString(ref block, out name)) return false;
        }
        else
        {
            if (!TryGetIndexed(nameIndex, out var named)) return false;
            name = named.Name;
        }
        if (!TryReadString(ref block, out var value)) return false;
        field = new HpackHeaderField(name, value);
        return true;
    }

    private void Insert(HpackHeaderField field)
    {
        var size = field.TableSize;
        if (size > _maxTableSize)
        {
            // An entry larger than the table empties it and is not added (section 4.4).
            _table.Clear();
            _tableSize = 0;
            return;
        }
        Evict(_maxTableSize - size);
        _table.Insert(0, field);
        _tableSize += size;
    }

    private void Evict(int room)
    {
        var target = Math.Min(room, _maxTableSize);
        while (_tableSize > target)
        {
            var oldest = _table[^1];
            _table.RemoveAt(_table.Count - 1);
            _tableSize -= oldest.TableSize;
        }
    }

    /// <summary>An N-bit prefix integer (section 5.1); values past 2^28 are refused as hostile.</summary>
    internal static bool TryReadInteger(ref ReadOnlySpan<byte> block, int prefixBits, out int value)
    {
        value = 0;
        if (block.IsEmpty) return false;
        var max = (1 << prefixBits) - 1;
        value = block[0] & max;
        block = block[1..];
        if (value < max) return true;
        var shift = 0;
        while (true)
        {
            if (block.IsEmpty || shift > 21) return false;
            var octet = block[0];
            block = block[1..];
            value += (octet & 0x7F) << shift;
            shift += 7;
            if ((octet & 0x80) == 0) return true;
        }
    }

    private static bool TryReadString(ref ReadOnlySpan<byte> block, out byte[] value)
    {
        value = [];
        if (block.IsEmpty) return false;
        var huffman = (block[0] & 0x80) != 0;
        if (!TryReadInteger(ref block, 7, out var length) || length > block.Length) return false;
        var encoded = block[..length];
        block = block[length..];
        if (!huffman)
        {
            value = encoded.ToArray();
            return true;
        }
        var decoded = new byte[HpackHuffmanCode.MaxDecodedLength(length)];
        if (!HpackHuffmanCode.TryDecode(encoded, decoded, out var written)) return false;
        value = decoded.AsSpan(0, written).ToArray();
        return true;
    }
}

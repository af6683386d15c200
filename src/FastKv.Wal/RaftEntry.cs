// raftpb.Entry (Type=1, Term=2, Index=3, Data=4) as the WAL stores it. etcd's encoder emits Type, Term
// and Index even when zero and Data only when present; this encoder does the same.
namespace FastKv.Wal;

public enum EntryType
{
    Normal = 0,
    ConfChange = 1,
    ConfChangeV2 = 2,
}

public readonly record struct RaftEntry(ulong Term, ulong Index, EntryType Type, ReadOnlyMemory<byte> Data)
{
    public RaftEntry(ulong term, ulong index, ReadOnlyMemory<byte> data) : this(term, index, EntryType.Normal, data) { }

    public int EncodedSize =>
        ProtoWire.VarintFieldSize(1, (ulong)(long)Type) + ProtoWire.VarintFieldSize(2, Term) +
        ProtoWire.VarintFieldSize(3, Index) + (Data.IsEmpty ? 0 : ProtoWire.BytesFieldSize(4, Data.Length));

    public int Encode(Span<byte> destination)
    {
        int p = ProtoWire.WriteVarintField(destination, 0, 1, (ulong)(long)Type);
        p = ProtoWire.WriteVarintField(destination, p, 2, Term);
        p = ProtoWire.WriteVarintField(destination, p, 3, Index);
        if (!Data.IsEmpty)
            p = ProtoWire.WriteBytesField(destination, p, 4, Data.Span);
        return p;
    }

    /// <summary>Decodes an entry, copying its data out of <paramref name="source"/>.</summary>
    public static RaftEntry Decode(ReadOnlySpan<byte> source)
    {
        ulong term = 0, index = 0;
        long type = 0;
        byte[] data = [];
        int p = 0;
        while (ProtoWire.TryReadTag(source, ref p, out int field, out int wire))
        {
            switch (field)
            {
                case 1: ProtoWire.ExpectWireType(field, wire, ProtoWire.WireVarint); type = (long)ProtoWire.ReadVarint(source, ref p); break;
                case 2: ProtoWire.ExpectWireType(field, wire, ProtoWire.WireVarint); term = ProtoWire.ReadVarint(source, ref p); break;
                case 3: ProtoWire.ExpectWireType(field, wire, ProtoWire.WireVarint); index = ProtoWire.ReadVarint(source, ref p); break;
                case 4: ProtoWire.ExpectWireType(field, wire, ProtoWire.WireLengthDelimited); data = ProtoWire.ReadLengthDelimited(source, ref p).ToArray(); break;
                default: ProtoWire.SkipField(source, ref p, wire); break;
            }
        }
        return new RaftEntry(term, index, (EntryType)type, data);
    }

    /// <summary>Reads only the index and term, for scans that do not need the payload.</summary>
    public static (ulong Index, ulong Term) PeekIndexTerm(ReadOnlySpan<byte> source)
    {
        ulong term = 0, index = 0;
        int p = 0;
        while (ProtoWire.TryReadTag(source, ref p, out int field, out int wire))
        {
            if (field == 2 && wire == ProtoWire.WireVarint) term = ProtoWire.ReadVarint(source, ref p);
            else if (field == 3 && wire == ProtoWire.WireVarint) index = ProtoWire.ReadVarint(source, ref p);
            else ProtoWire.SkipField(source, ref p, wire);
        }
        return (index, term);
    }
}

// raftpb.Snapshot {data=1, metadata=2 {conf_state=1, index=2, term=3}}: the state-machine image a
// member saves so the WAL before it can be dropped. Metadata and its fields are always emitted, as
// etcd's encoder does.
namespace FastKv.Wal;

public sealed record RaftSnapshot(byte[] Data, ulong Index, ulong Term, ConfState ConfState)
{
    private int MetadataSize =>
        ProtoWire.BytesFieldSize(1, ConfState.EncodedSize) + ProtoWire.VarintFieldSize(2, Index) + ProtoWire.VarintFieldSize(3, Term);

    public byte[] Encode()
    {
        int metadataSize = MetadataSize;
        int size = (Data.Length == 0 ? 0 : ProtoWire.BytesFieldSize(1, Data.Length)) + ProtoWire.BytesFieldSize(2, metadataSize);
        var buffer = new byte[size];
        int p = 0;
        if (Data.Length != 0)
            p = ProtoWire.WriteBytesField(buffer, p, 1, Data);
        p = ProtoWire.WriteTag(buffer, p, 2, ProtoWire.WireLengthDelimited);
        p = ProtoWire.WriteVarint(buffer, p, (ulong)metadataSize);
        p = ProtoWire.WriteTag(buffer, p, 1, ProtoWire.WireLengthDelimited);
        p = ProtoWire.WriteVarint(buffer, p, (ulong)ConfState.EncodedSize);
        p += ConfState.Encode(buffer.AsSpan(p));
        p = ProtoWire.WriteVarintField(buffer, p, 2, Index);
        ProtoWire.WriteVarintField(buffer, p, 3, Term);
        return buffer;
    }

    public static RaftSnapshot Decode(ReadOnlySpan<byte> source)
    {
        byte[] data = [];
        ulong index = 0, term = 0;
        var conf = new ConfState();
        int p = 0;
        while (ProtoWire.TryReadTag(source, ref p, out int field, out int wire))
        {
            if (field == 1)
            {
                ProtoWire.ExpectWireType(field, wire, ProtoWire.WireLengthDelimited);
                data = ProtoWire.ReadLengthDelimited(source, ref p).ToArray();
            }
            else if (field == 2)
            {
                ProtoWire.ExpectWireType(field, wire, ProtoWire.WireLengthDelimited);
                var metadata = ProtoWire.ReadLengthDelimited(source, ref p);
                int q = 0;
                while (ProtoWire.TryReadTag(metadata, ref q, out int mf, out int mw))
                {
                    switch (mf)
                    {
                        case 1: ProtoWire.ExpectWireType(mf, mw, ProtoWire.WireLengthDelimited); conf = ConfState.Decode(ProtoWire.ReadLengthDelimited(metadata, ref q)); break;
                        case 2: ProtoWire.ExpectWireType(mf, mw, ProtoWire.WireVarint); index = ProtoWire.ReadVarint(metadata, ref q); break;
                        case 3: ProtoWire.ExpectWireType(mf, mw, ProtoWire.WireVarint); term = ProtoWire.ReadVarint(metadata, ref q); break;
                        default: ProtoWire.SkipField(metadata, ref q, mw); break;
                    }
                }
            }
            else
                ProtoWire.SkipField(source, ref p, wire);
        }
        return new RaftSnapshot(data, index, term, conf);
    }
}

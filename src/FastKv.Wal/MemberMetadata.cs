// etcdserverpb.Metadata {NodeID=1, ClusterID=2}: what etcd's server stores as the WAL's metadata record.
// The WAL itself treats metadata as opaque bytes; this codec is for tools and for the server layer.
namespace FastKv.Wal;

public readonly record struct MemberMetadata(ulong NodeId, ulong ClusterId)
{
    public byte[] Encode()
    {
        var buffer = new byte[ProtoWire.VarintFieldSize(1, NodeId) + ProtoWire.VarintFieldSize(2, ClusterId)];
        int p = ProtoWire.WriteVarintField(buffer, 0, 1, NodeId);
        ProtoWire.WriteVarintField(buffer, p, 2, ClusterId);
        return buffer;
    }

    public static MemberMetadata Decode(ReadOnlySpan<byte> source)
    {
        ulong node = 0, cluster = 0;
        int p = 0;
        while (ProtoWire.TryReadTag(source, ref p, out int field, out int wire))
        {
            switch (field)
            {
                case 1: ProtoWire.ExpectWireType(field, wire, ProtoWire.WireVarint); node = ProtoWire.ReadVarint(source, ref p); break;
                case 2: ProtoWire.ExpectWireType(field, wire, ProtoWire.WireVarint); cluster = ProtoWire.ReadVarint(source, ref p); break;
                default: ProtoWire.SkipField(source, ref p, wire); break;
            }
        }
        return new MemberMetadata(node, cluster);
    }
}

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
        var (node, cluster) = ProtoWire.ReadVarintPair(source);
        return new MemberMetadata(node, cluster);
    }
}

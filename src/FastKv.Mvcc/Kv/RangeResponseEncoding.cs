// A RangeResponse's wire encoding written piece by piece, in the order Google.Protobuf writes
// the message (header 1, kvs 2, more 3, count 4), so a range can go from the page file to the
// wire without a RangeResponse, KeyValue or ByteString in between.
using System.Buffers;
using FastKv.Api.Mvccpb;
using Google.Protobuf;

namespace FastKv.Mvcc.Kv;

internal static class RangeResponseEncoding
{
    private const int HeaderField = 1, KvsField = 2, MoreField = 3, CountField = 4;

    public static void WriteHeader(IBufferWriter<byte> output, in ResponseHeaderFields header, long revision)
    {
        // ResponseHeader: cluster_id 1, member_id 2, revision 3, raft_term 4; zeros left out.
        int size = FieldSize(1, header.ClusterId) + FieldSize(2, header.MemberId) + FieldSize(3, (ulong)revision) + FieldSize(4, header.RaftTerm);
        ProtoWire.WriteLengthPrefix(output, HeaderField, size);
        ProtoWire.WriteVarintField(output, 1, header.ClusterId);
        ProtoWire.WriteVarintField(output, 2, header.MemberId);
        ProtoWire.WriteVarintField(output, 3, (ulong)revision);
        ProtoWire.WriteVarintField(output, 4, header.RaftTerm);
    }

    /// <summary>One kvs entry copied from canonical stored bytes, without the value when <paramref name="keysOnly"/>.</summary>
    public static void WriteStored(IBufferWriter<byte> output, ReadOnlySpan<byte> stored, in StoredKeyValueLayout layout, bool keysOnly)
    {
        if (!keysOnly)
        {
            ProtoWire.WriteLengthPrefix(output, KvsField, stored.Length);
            ProtoWire.WriteRaw(output, stored);
            return;
        }
        ProtoWire.WriteLengthPrefix(output, KvsField, layout.LengthWithoutValue(stored.Length));
        ProtoWire.WriteRaw(output, stored[..layout.ValueFieldStart]);
        ProtoWire.WriteRaw(output, stored[layout.ValueFieldEnd..]);
    }

    /// <summary>One kvs entry from a parsed message (stored bytes that were not canonical).</summary>
    public static void WriteParsed(IBufferWriter<byte> output, KeyValue kv)
    {
        ProtoWire.WriteLengthPrefix(output, KvsField, kv.CalculateSize());
        kv.WriteTo(output);
    }

    public static void WriteTail(IBufferWriter<byte> output, bool more, long count)
    {
        if (more) ProtoWire.WriteVarintField(output, MoreField, 1);
        ProtoWire.WriteVarintField(output, CountField, (ulong)count);
    }

    private static int FieldSize(int field, ulong v) => v == 0 ? 0 : ProtoWire.VarintSize((ulong)(field << 3)) + ProtoWire.VarintSize(v);
}

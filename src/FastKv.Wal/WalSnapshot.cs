// walpb.Snapshot (index=1, term=2; etcd 3.5 adds conf_state=3): the marker a WAL carries for each raft
// snapshot taken, so a restart can find where to resume reading. Encoded like etcd 3.4 (no conf_state);
// a conf_state written by 3.5 is skipped on read.
namespace FastKv.Wal;

public readonly record struct WalSnapshot(ulong Index, ulong Term)
{
    public int EncodedSize => ProtoWire.VarintFieldSize(1, Index) + ProtoWire.VarintFieldSize(2, Term);

    public int Encode(Span<byte> destination)
    {
        int p = ProtoWire.WriteVarintField(destination, 0, 1, Index);
        return ProtoWire.WriteVarintField(destination, p, 2, Term);
    }

    public static WalSnapshot Decode(ReadOnlySpan<byte> source)
    {
        var (index, term) = ProtoWire.ReadVarintPair(source);
        return new WalSnapshot(index, term);
    }
}

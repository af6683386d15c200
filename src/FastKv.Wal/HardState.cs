// raftpb.HardState (term=1, vote=2, commit=3): the raft state a member must persist before answering.
// etcd's encoder always emits all three fields, so this one does too, byte for byte.
namespace FastKv.Wal;

public readonly record struct HardState(ulong Term, ulong Vote, ulong Commit)
{
    public static readonly HardState Empty = default;

    public bool IsEmpty => Term == 0 && Vote == 0 && Commit == 0;

    /// <summary>
    /// Whether a save must reach the disk before raft may act on it: new entries, or a changed term or
    /// vote (a vote forgotten after a crash could let a member vote twice in one term). A commit index
    /// change alone can be recovered from the leader.
    /// </summary>
    public static bool MustSync(in HardState current, in HardState previous, int entryCount) =>
        entryCount != 0 || current.Vote != previous.Vote || current.Term != previous.Term;

    public int EncodedSize =>
        ProtoWire.VarintFieldSize(1, Term) + ProtoWire.VarintFieldSize(2, Vote) + ProtoWire.VarintFieldSize(3, Commit);

    public int Encode(Span<byte> destination)
    {
        int p = ProtoWire.WriteVarintField(destination, 0, 1, Term);
        p = ProtoWire.WriteVarintField(destination, p, 2, Vote);
        return ProtoWire.WriteVarintField(destination, p, 3, Commit);
    }

    public static HardState Decode(ReadOnlySpan<byte> source)
    {
        ulong term = 0, vote = 0, commit = 0;
        int p = 0;
        while (ProtoWire.TryReadTag(source, ref p, out int field, out int wire))
        {
            switch (field)
            {
                case 1: ProtoWire.ExpectWireType(field, wire, ProtoWire.WireVarint); term = ProtoWire.ReadVarint(source, ref p); break;
                case 2: ProtoWire.ExpectWireType(field, wire, ProtoWire.WireVarint); vote = ProtoWire.ReadVarint(source, ref p); break;
                case 3: ProtoWire.ExpectWireType(field, wire, ProtoWire.WireVarint); commit = ProtoWire.ReadVarint(source, ref p); break;
                default: ProtoWire.SkipField(source, ref p, wire); break;
            }
        }
        return new HardState(term, vote, commit);
    }
}

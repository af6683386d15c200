// raftpb.ConfState (voters=1, learners=2, voters_outgoing=3, learners_next=4, auto_leave=5): the
// membership a snapshot was taken under. etcd 3.4 wrote only fields 1 and 2 (then called nodes and
// learners); repeated fields are read both packed and unpacked, as protobuf requires.
namespace FastKv.Wal;

public sealed record ConfState
{
    public IReadOnlyList<ulong> Voters { get; init; } = [];
    public IReadOnlyList<ulong> Learners { get; init; } = [];
    public IReadOnlyList<ulong> VotersOutgoing { get; init; } = [];
    public IReadOnlyList<ulong> LearnersNext { get; init; } = [];
    public bool AutoLeave { get; init; }

    public int EncodedSize
    {
        get
        {
            int size = RepeatedSize(1, Voters) + RepeatedSize(2, Learners) + RepeatedSize(3, VotersOutgoing) + RepeatedSize(4, LearnersNext);
            return size + ProtoWire.VarintFieldSize(5, 0);
        }
    }

    public int Encode(Span<byte> destination)
    {
        int p = WriteRepeated(destination, 0, 1, Voters);
        p = WriteRepeated(destination, p, 2, Learners);
        p = WriteRepeated(destination, p, 3, VotersOutgoing);
        p = WriteRepeated(destination, p, 4, LearnersNext);
        return ProtoWire.WriteVarintField(destination, p, 5, AutoLeave ? 1UL : 0UL);
    }

    public static ConfState Decode(ReadOnlySpan<byte> source)
    {
        var lists = new[] { new List<ulong>(), new List<ulong>(), new List<ulong>(), new List<ulong>() };
        bool autoLeave = false;
        int p = 0;
        while (ProtoWire.TryReadTag(source, ref p, out int field, out int wire))
        {
            if (field is >= 1 and <= 4)
            {
                var list = lists[field - 1];
                if (wire == ProtoWire.WireVarint)
                    list.Add(ProtoWire.ReadVarint(source, ref p));
                else if (wire == ProtoWire.WireLengthDelimited)
                {
                    var packed = ProtoWire.ReadLengthDelimited(source, ref p);
                    int q = 0;
                    while (q < packed.Length)
                        list.Add(ProtoWire.ReadVarint(packed, ref q));
                }
                else
                    throw new InvalidDataException($"conf state field {field} has wire type {wire}");
            }
            else if (field == 5)
            {
                ProtoWire.ExpectWireType(field, wire, ProtoWire.WireVarint);
                autoLeave = ProtoWire.ReadVarint(source, ref p) != 0;
            }
            else
                ProtoWire.SkipField(source, ref p, wire);
        }
        return new ConfState { Voters = lists[0], Learners = lists[1], VotersOutgoing = lists[2], LearnersNext = lists[3], AutoLeave = autoLeave };
    }

    public bool ContentEquals(ConfState other) =>
        Voters.SequenceEqual(other.Voters) && Learners.SequenceEqual(other.Learners) &&
        VotersOutgoing.SequenceEqual(other.VotersOutgoing) && LearnersNext.SequenceEqual(other.LearnersNext) && AutoLeave == other.AutoLeave;

    private static int RepeatedSize(int field, IReadOnlyList<ulong> values)
    {
        int size = 0;
        foreach (var v in values)
            size += ProtoWire.VarintFieldSize(field, v);
        return size;
    }

    private static int WriteRepeated(Span<byte> destination, int p, int field, IReadOnlyList<ulong> values)
    {
        foreach (var v in values)
            p = ProtoWire.WriteVarintField(destination, p, field, v);
        return p;
    }
}

// The voters of a possibly joint configuration (§4.3): decisions need a majority of the incoming
// set and, while joint, also of the outgoing set.
namespace FastKv.Raft;

public sealed class JointConfig
{
    public MajorityConfig Incoming { get; }
    public MajorityConfig Outgoing { get; }

    public JointConfig(MajorityConfig incoming, MajorityConfig outgoing)
    {
        Incoming = incoming;
        Outgoing = outgoing;
    }

    public bool IsJoint => Outgoing.Count > 0;

    public bool Contains(ulong id) => Incoming.Contains(id) || Outgoing.Contains(id);

    public ulong CommittedIndex(Dictionary<ulong, Progress> progress)
    {
        var a = Incoming.CommittedIndex(progress);
        var b = Outgoing.CommittedIndex(progress);
        var c = Math.Min(a, b);
        return c == ulong.MaxValue ? 0 : c;
    }

    public VoteResult Vote(Dictionary<ulong, bool> votes)
    {
        var a = Incoming.Vote(votes);
        var b = Outgoing.Vote(votes);
        if (a == b) return a;
        if (a == VoteResult.Lost || b == VoteResult.Lost) return VoteResult.Lost;
        return VoteResult.Pending;
    }

    public bool QuorumActive(Dictionary<ulong, Progress> progress) =>
        Incoming.QuorumActive(progress) && Outgoing.QuorumActive(progress);

    public IEnumerable<ulong> AllIds() => Incoming.Ids.ToArray().Concat(Outgoing.Ids.ToArray()).Distinct().OrderBy(x => x);

    public override string ToString() => IsJoint ? $"{Incoming}&&{Outgoing}" : Incoming.ToString();
}

// The membership a snapshot (or an applied configuration change) describes, as in raftpb.ConfState.
namespace FastKv.Raft;

public sealed class ConfState
{
    public ulong[] Voters { get; init; } = [];
    public ulong[] Learners { get; init; } = [];
    public ulong[] VotersOutgoing { get; init; } = [];
    public ulong[] LearnersNext { get; init; } = [];
    public bool AutoLeave { get; init; }

    public bool Contains(ulong id) =>
        Array.IndexOf(Voters, id) >= 0 || Array.IndexOf(Learners, id) >= 0 ||
        Array.IndexOf(VotersOutgoing, id) >= 0 || Array.IndexOf(LearnersNext, id) >= 0;

    public bool IsVoter(ulong id) => Array.IndexOf(Voters, id) >= 0 || Array.IndexOf(VotersOutgoing, id) >= 0;

    public bool IsJoint => VotersOutgoing.Length > 0;

    public override string ToString() =>
        $"voters=({string.Join(",", Voters)})&&({string.Join(",", VotersOutgoing)}) learners=({string.Join(",", Learners)}) learners_next=({string.Join(",", LearnersNext)}) autoleave={AutoLeave}";
}

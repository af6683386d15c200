// An immutable membership: voters (possibly joint), learners, learners waiting for the joint
// config to be left (demoted voters), and whether the joint config is left automatically.
namespace FastKv.Raft;

public sealed class TrackerConfig
{
    public static readonly TrackerConfig Empty = new(new JointConfig(MajorityConfig.Empty, MajorityConfig.Empty), [], [], false);

    public JointConfig Voters { get; }
    public ulong[] Learners { get; }      // sorted
    public ulong[] LearnersNext { get; }  // sorted
    public bool AutoLeave { get; }

    public TrackerConfig(JointConfig voters, IEnumerable<ulong> learners, IEnumerable<ulong> learnersNext, bool autoLeave)
    {
        Voters = voters;
        Learners = learners.Distinct().OrderBy(x => x).ToArray();
        LearnersNext = learnersNext.Distinct().OrderBy(x => x).ToArray();
        AutoLeave = autoLeave;
    }

    public ConfState ToConfState() => new()
    {
        Voters = Voters.Incoming.Ids.ToArray(),
        VotersOutgoing = Voters.Outgoing.Ids.ToArray(),
        Learners = Learners,
        LearnersNext = LearnersNext,
        AutoLeave = AutoLeave,
    };

    public override string ToString() =>
        $"voters={Voters} learners=({string.Join(" ", Learners)}) learners_next=({string.Join(" ", LearnersNext)}) autoleave={AutoLeave}";
}

// The leader's bookkeeping for the current membership: one Progress per member, the vote tally of
// an election, and the quorum questions (what is committed, is a quorum active, who won).
namespace FastKv.Raft;

public sealed class ProgressTracker
{
    internal readonly int MaxInflight;
    internal readonly long MaxInflightBytes;

    public TrackerConfig Config { get; private set; } = TrackerConfig.Empty;
    public Dictionary<ulong, Progress> Progress { get; private set; } = new();
    internal readonly Dictionary<ulong, bool> Votes = new();

    // Member ids in ascending order, so iteration (and thus message order) is deterministic.
    private ulong[] _ids = [];

    public ProgressTracker(int maxInflight, long maxInflightBytes)
    {
        MaxInflight = maxInflight;
        MaxInflightBytes = maxInflightBytes;
    }

    public ReadOnlySpan<ulong> Ids => _ids;

    internal void Apply(TrackerConfig config, Dictionary<ulong, Progress> progress)
    {
        Config = config;
        Progress = progress;
        _ids = progress.Keys.OrderBy(x => x).ToArray();
    }

    public bool IsSingleton => Config.Voters.Incoming.Count == 1 && !Config.Voters.IsJoint;

    public ulong Committed() => Config.Voters.CommittedIndex(Progress);

    public bool QuorumActive() => Config.Voters.QuorumActive(Progress);

    public bool IsVoter(ulong id) => Config.Voters.Contains(id);

    public void ResetVotes() => Votes.Clear();

    public void RecordVote(ulong id, bool granted) => Votes.TryAdd(id, granted);

    public (int Granted, int Rejected, VoteResult Result) TallyVotes()
    {
        int granted = 0, rejected = 0;
        foreach (var id in _ids)
        {
            if (!Progress[id].IsLearner && Votes.TryGetValue(id, out var v))
            {
                if (v) granted++; else rejected++;
            }
        }
        return (granted, rejected, Config.Voters.Vote(Votes));
    }

    internal Progress NewProgress(ulong next, bool isLearner) => new(next, MaxInflight, MaxInflightBytes, isLearner);
}

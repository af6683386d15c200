// A set of voters decided by simple majority: the committed index is the highest index a majority
// has acknowledged, and an election is won with a majority of yes votes.
namespace FastKv.Raft;

public sealed class MajorityConfig
{
    public static readonly MajorityConfig Empty = new([]);

    private readonly ulong[] _ids; // sorted

    public MajorityConfig(IEnumerable<ulong> ids)
    {
        _ids = ids.Distinct().OrderBy(x => x).ToArray();
    }

    public ReadOnlySpan<ulong> Ids => _ids;

    public int Count => _ids.Length;

    public bool Contains(ulong id) => Array.BinarySearch(_ids, id) >= 0;

    // The largest index acknowledged by a majority; ulong.MaxValue for an empty config so it is
    // neutral in a joint config.
    public ulong CommittedIndex(Dictionary<ulong, Progress> progress)
    {
        int n = _ids.Length;
        if (n == 0) return ulong.MaxValue;
        Span<ulong> match = n <= 16 ? stackalloc ulong[n] : new ulong[n];
        for (int i = 0; i < n; i++)
        {
            match[i] = progress.TryGetValue(_ids[i], out var pr) ? pr.Match : 0;
        }
        match.Sort();
        // Sorted ascending: the element with a majority at or above it.
        return match[n - (n / 2 + 1)];
    }

    public VoteResult Vote(Dictionary<ulong, bool> votes)
    {
        if (_ids.Length == 0) return VoteResult.Won;
        int yes = 0, missing = 0;
        foreach (var id in _ids)
        {
            if (!votes.TryGetValue(id, out var v)) missing++;
            else if (v) yes++;
        }
        int q = _ids.Length / 2 + 1;
        if (yes >= q) return VoteResult.Won;
        if (yes + missing >= q) return VoteResult.Pending;
        return VoteResult.Lost;
    }

    // Whether a majority has RecentActive set.
    public bool QuorumActive(Dictionary<ulong, Progress> progress)
    {
        if (_ids.Length == 0) return true;
        int active = 0;
        foreach (var id in _ids)
        {
            if (progress.TryGetValue(id, out var pr) && pr.RecentActive) active++;
        }
        return active >= _ids.Length / 2 + 1;
    }

    public override string ToString() => "(" + string.Join(" ", _ids) + ")";
}

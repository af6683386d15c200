// The safety properties of Raft (§3.6.3 and Figure 3.2), checked incrementally after every step:
// election safety (one leader per term), log matching (an (index, term) pair names one entry and
// one predecessor term, hence one whole prefix), leader completeness, state machine safety
// (every node applies the same entry at each index, so applied sequences are prefixes of each
// other) and that committed entries never change or disappear.
namespace FastKv.Raft.Tests.Simulation;

public sealed class InvariantChecker
{
    private readonly Dictionary<ulong, ulong> _leaderOfTerm = new();
    private readonly Dictionary<(ulong Index, ulong Term), (ulong Key, ulong PrevTerm)> _entries = new();
    private readonly Dictionary<ulong, ulong> _committedTerm = new();
    private readonly Dictionary<ulong, ulong> _maxCommitByTerm = new();
    private readonly HashSet<(ulong Term, ulong Id)> _checkedLeaders = new();
    // Index i holds (term, key, state hash after applying i); index 0 unused.
    private readonly List<(ulong Term, ulong Key, ulong Hash)> _applied = new() { (0, 0, 0) };

    public ulong MaxCommitted { get; private set; }

    public int AppliedCount => _applied.Count - 1;

    private ulong _maxAppliedPayload;

    // Client payloads are increasing ids: whether `payload` or a later one has been applied anywhere.
    public bool LastAppliedKeyAtLeast(ulong payload) => _maxAppliedPayload >= payload;

    public void Bootstrap(ulong index, ulong term, ulong hash)
    {
        while ((ulong)_applied.Count <= index) _applied.Add((term, 0, hash));
        _committedTerm[index] = term;
        MaxCommitted = index;
    }

    // Entries a node is about to persist, with the term of the entry before the first one.
    public void CheckAppend(ulong node, ReadOnlySpan<Entry> ents, ulong prevTerm)
    {
        foreach (ref readonly var e in ents)
        {
            var key = EntryKey.Of(e);
            if (_entries.TryGetValue((e.Index, e.Term), out var seen))
            {
                if (seen.Key != key)
                    throw new SimulationFailure($"log matching violated: node {node} has entry {e.Index}/{e.Term} with content {key:x}, another node has {seen.Key:x}");
                if (prevTerm != 0 && seen.PrevTerm != 0 && seen.PrevTerm != prevTerm)
                    throw new SimulationFailure($"log matching violated: node {node} has entry {e.Index}/{e.Term} after term {prevTerm}, another node after term {seen.PrevTerm}");
            }
            else
            {
                _entries[(e.Index, e.Term)] = (key, prevTerm);
            }
            prevTerm = e.Term;
        }
    }

    public void CheckApply(ulong node, SimStateMachine sm, in Entry e)
    {
        if (e.Index != sm.Applied + 1)
            throw new SimulationFailure($"node {node} applied {e.Index} after {sm.Applied}: applied sequence has a gap");
        var key = EntryKey.Of(e);
        var hash = EntryKey.Chain(sm.Hash, e.Term, key);
        if (e.Index < (ulong)_applied.Count)
        {
            var g = _applied[(int)e.Index];
            if (g.Term != e.Term || g.Key != key || g.Hash != hash)
                throw new SimulationFailure($"state machine safety violated: node {node} applied {e.Index}/{e.Term} ({key:x}) but {g.Term} ({g.Key:x}) was applied elsewhere");
        }
        else if (e.Index == (ulong)_applied.Count)
        {
            _applied.Add((e.Term, key, hash));
        }
        else
        {
            throw new SimulationFailure($"node {node} applied {e.Index} beyond anything applied anywhere ({_applied.Count - 1})");
        }
        sm.Applied = e.Index;
        sm.Hash = hash;
        if (key < 1UL << 63 && key > _maxAppliedPayload) _maxAppliedPayload = key;
    }

    public void CheckSnapshotRestore(ulong node, Snapshot s, SimStateMachine sm)
    {
        if (s.Index >= (ulong)_applied.Count)
            throw new SimulationFailure($"node {node} restored snapshot {s.Index} beyond anything applied anywhere ({_applied.Count - 1})");
        if (_applied[(int)s.Index].Hash != sm.Hash)
            throw new SimulationFailure($"node {node} restored snapshot {s.Index} whose state differs from the applied history");
    }

    public void CheckNode(ulong id, RaftNode r)
    {
        if (r.State == StateType.Leader)
        {
            if (_leaderOfTerm.TryGetValue(r.Term, out var other) && other != id)
                throw new SimulationFailure($"election safety violated: nodes {other} and {id} are both leader in term {r.Term}");
            _leaderOfTerm[r.Term] = id;
            if (_checkedLeaders.Add((r.Term, id))) CheckLeaderCompleteness(id, r);
        }
        var c = r.Committed;
        var t = r.TermAt(c);
        if (t != 0)
        {
            if (_committedTerm.TryGetValue(c, out var ct))
            {
                if (ct != t) throw new SimulationFailure($"committed entry changed: node {id} has term {t} at committed index {c}, previously committed with term {ct}");
            }
            else
            {
                _committedTerm[c] = t;
            }
            _maxCommitByTerm[r.Term] = Math.Max(_maxCommitByTerm.GetValueOrDefault(r.Term), c);
            if (c > MaxCommitted) MaxCommitted = c;
        }
    }

    // §3.6.3: a leader holds every entry committed in earlier terms.
    private void CheckLeaderCompleteness(ulong id, RaftNode r)
    {
        ulong c = 0;
        foreach (var (term, idx) in _maxCommitByTerm)
        {
            if (term < r.Term && idx > c) c = idx;
        }
        if (c == 0 || !_committedTerm.TryGetValue(c, out var ct)) return;
        if (r.LastIndex < c)
            throw new SimulationFailure($"leader completeness violated: leader {id} of term {r.Term} has last index {r.LastIndex} < committed {c}");
        var lt = r.TermAt(c);
        if (lt != 0 && lt != ct)
            throw new SimulationFailure($"leader completeness violated: leader {id} of term {r.Term} has term {lt} at committed index {c}, committed with term {ct}");
    }

    public void CheckCommittedRetained(ulong id, RaftNode r)
    {
        // Every committed index a node still holds must keep the committed term.
        var c = Math.Min(r.Committed, MaxCommitted);
        if (_committedTerm.TryGetValue(c, out var ct))
        {
            var t = r.TermAt(c);
            if (t != 0 && t != ct) throw new SimulationFailure($"node {id} lost committed entry {c}: has term {t}, committed {ct}");
        }
    }
}

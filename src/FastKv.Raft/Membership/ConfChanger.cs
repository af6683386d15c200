// Computes the configuration that results from a change, without touching the live tracker:
// single-step changes (at most one voter added or removed, §4.1), entering a joint configuration
// (§4.3), and leaving it. Learners that are voters in the outgoing half wait in LearnersNext.
namespace FastKv.Raft;

internal sealed class ConfChanger
{
    private readonly ProgressTracker _tracker;
    private readonly ulong _lastIndex;

    public ConfChanger(ProgressTracker tracker, ulong lastIndex)
    {
        _tracker = tracker;
        _lastIndex = lastIndex;
    }

    private sealed class Draft
    {
        public HashSet<ulong> Incoming = new();
        public HashSet<ulong> Outgoing = new();
        public HashSet<ulong> Learners = new();
        public HashSet<ulong> LearnersNext = new();
        public bool AutoLeave;
        public Dictionary<ulong, Progress> Progress = new();

        public TrackerConfig Build() => new(
            new JointConfig(new MajorityConfig(Incoming), new MajorityConfig(Outgoing)),
            Learners, LearnersNext, AutoLeave);
    }

    private Draft CheckAndCopy()
    {
        var c = _tracker.Config;
        var d = new Draft
        {
            Incoming = c.Voters.Incoming.Ids.ToArray().ToHashSet(),
            Outgoing = c.Voters.Outgoing.Ids.ToArray().ToHashSet(),
            Learners = c.Learners.ToHashSet(),
            LearnersNext = c.LearnersNext.ToHashSet(),
            AutoLeave = c.AutoLeave,
            // Progress objects are shared: a change keeps the replication state of existing members.
            Progress = new Dictionary<ulong, Progress>(_tracker.Progress),
        };
        Check(d);
        return d;
    }

    public (TrackerConfig, Dictionary<ulong, Progress>) EnterJoint(bool autoLeave, IReadOnlyList<ConfChangeSingle> changes)
    {
        var d = CheckAndCopy();
        if (d.Outgoing.Count > 0) throw new ConfChangeException("config is already joint");
        if (d.Incoming.Count == 0) throw new ConfChangeException("can't make a zero-voter config joint");
        d.Outgoing = new HashSet<ulong>(d.Incoming);
        ApplyChanges(d, changes);
        d.AutoLeave = autoLeave;
        Check(d);
        return (d.Build(), d.Progress);
    }

    public (TrackerConfig, Dictionary<ulong, Progress>) LeaveJoint()
    {
        var d = CheckAndCopy();
        if (d.Outgoing.Count == 0) throw new ConfChangeException("can't leave a non-joint config");
        foreach (var id in d.LearnersNext)
        {
            d.Learners.Add(id);
            SetLearner(d, id, true);
        }
        d.LearnersNext.Clear();
        foreach (var id in d.Outgoing)
        {
            if (!d.Incoming.Contains(id) && !d.Learners.Contains(id)) d.Progress.Remove(id);
        }
        d.Outgoing.Clear();
        d.AutoLeave = false;
        Check(d);
        return (d.Build(), d.Progress);
    }

    public (TrackerConfig, Dictionary<ulong, Progress>) Simple(IReadOnlyList<ConfChangeSingle> changes)
    {
        var d = CheckAndCopy();
        if (d.Outgoing.Count > 0) throw new ConfChangeException("can't apply simple config change in joint config");
        var before = new HashSet<ulong>(d.Incoming);
        ApplyChanges(d, changes);
        before.SymmetricExceptWith(d.Incoming);
        if (before.Count > 1) throw new ConfChangeException("more than one voter changed without entering joint config");
        Check(d);
        return (d.Build(), d.Progress);
    }

    // Rebuilds a tracker configuration from a ConfState (a snapshot or a restart), by replaying it
    // as changes: the outgoing voters first, then entering the joint config towards the incoming one.
    public static (TrackerConfig, Dictionary<ulong, Progress>) Restore(ProgressTracker tracker, ConfState cs, ulong lastIndex)
    {
        var outgoing = cs.VotersOutgoing.Select(id => new ConfChangeSingle(ConfChangeType.AddNode, id)).ToList();
        var incoming = new List<ConfChangeSingle>();
        foreach (var id in cs.VotersOutgoing) incoming.Add(new ConfChangeSingle(ConfChangeType.RemoveNode, id));
        foreach (var id in cs.Voters) incoming.Add(new ConfChangeSingle(ConfChangeType.AddNode, id));
        foreach (var id in cs.Learners) incoming.Add(new ConfChangeSingle(ConfChangeType.AddLearnerNode, id));
        foreach (var id in cs.LearnersNext) incoming.Add(new ConfChangeSingle(ConfChangeType.AddLearnerNode, id));

        var scratch = new ProgressTracker(tracker.MaxInflight, tracker.MaxInflightBytes);
        if (outgoing.Count == 0)
        {
            foreach (var cc in incoming)
            {
                var (cfg, prs) = new ConfChanger(scratch, lastIndex).Simple([cc]);
                scratch.Apply(cfg, prs);
            }
        }
        else
        {
            foreach (var cc in outgoing)
            {
                var (cfg, prs) = new ConfChanger(scratch, lastIndex).Simple([cc]);
                scratch.Apply(cfg, prs);
            }
            var (jcfg, jprs) = new ConfChanger(scratch, lastIndex).EnterJoint(cs.AutoLeave, incoming);
            scratch.Apply(jcfg, jprs);
        }
        return (scratch.Config, scratch.Progress);
    }

    private void ApplyChanges(Draft d, IReadOnlyList<ConfChangeSingle> changes)
    {
        foreach (var cc in changes)
        {
            if (cc.NodeId == 0) continue; // etcd ignores changes to node 0
            switch (cc.Type)
            {
                case ConfChangeType.AddNode: MakeVoter(d, cc.NodeId); break;
                case ConfChangeType.AddLearnerNode: MakeLearner(d, cc.NodeId); break;
                case ConfChangeType.RemoveNode: Remove(d, cc.NodeId); break;
                case ConfChangeType.UpdateNode: break;
                default: throw new ConfChangeException($"unexpected conf change type {cc.Type}");
            }
        }
        if (d.Incoming.Count == 0) throw new ConfChangeException("removed all voters");
    }

    private void InitProgress(Draft d, ulong id, bool isLearner)
    {
        // A new member is probed from the end of the leader's log; it counts as active so that
        // check-quorum does not immediately step the leader down after adding it.
        var pr = _tracker.NewProgress(Math.Max(_lastIndex, 1), isLearner);
        pr.RecentActive = true;
        d.Progress[id] = pr;
    }

    private void MakeVoter(Draft d, ulong id)
    {
        if (!d.Progress.TryGetValue(id, out var pr))
        {
            InitProgress(d, id, false);
        }
        else if (pr.IsLearner)
        {
            SetLearner(d, id, false);
        }
        d.Learners.Remove(id);
        d.LearnersNext.Remove(id);
        d.Incoming.Add(id);
    }

    private void MakeLearner(Draft d, ulong id)
    {
        if (!d.Progress.TryGetValue(id, out var pr))
        {
            InitProgress(d, id, true);
            d.Learners.Add(id);
            return;
        }
        if (pr.IsLearner) return;
        d.Incoming.Remove(id);
        d.Learners.Remove(id);
        d.LearnersNext.Remove(id);
        if (d.Outgoing.Contains(id))
        {
            // Still a voter in the outgoing half: becomes a learner when the joint config is left.
            d.LearnersNext.Add(id);
        }
        else
        {
            SetLearner(d, id, true);
            d.Learners.Add(id);
        }
    }

    // Progress objects are shared with the live tracker, so a change that flips one is made on a
    // copy: computing a configuration (e.g. validating a proposal) must never alter the current one.
    private static void SetLearner(Draft d, ulong id, bool isLearner)
    {
        var copy = d.Progress[id].Clone();
        copy.IsLearner = isLearner;
        d.Progress[id] = copy;
    }

    private static void Remove(Draft d, ulong id)
    {
        if (!d.Progress.ContainsKey(id)) return;
        d.Incoming.Remove(id);
        d.Learners.Remove(id);
        d.LearnersNext.Remove(id);
        if (!d.Outgoing.Contains(id)) d.Progress.Remove(id);
    }

    private static void Check(Draft d)
    {
        foreach (var id in d.Incoming.Concat(d.Outgoing).Concat(d.Learners).Concat(d.LearnersNext))
        {
            if (!d.Progress.ContainsKey(id)) throw new ConfChangeException($"no progress for member {id}");
        }
        foreach (var id in d.LearnersNext)
        {
            if (!d.Outgoing.Contains(id)) throw new ConfChangeException($"{id} is in LearnersNext, but not Voters[1]");
            if (d.Progress[id].IsLearner) throw new ConfChangeException($"{id} is in LearnersNext, but is already marked as learner");
        }
        foreach (var id in d.Learners)
        {
            if (d.Outgoing.Contains(id)) throw new ConfChangeException($"{id} is in Learners and Voters[1]");
            if (d.Incoming.Contains(id)) throw new ConfChangeException($"{id} is in Learners and Voters[0]");
            if (!d.Progress[id].IsLearner) throw new ConfChangeException($"{id} is in Learners, but is not marked as learner");
        }
        if (d.Outgoing.Count == 0 && d.AutoLeave) throw new ConfChangeException("AutoLeave must be false when not joint");
    }
}

// Random membership changes issued at the leader: add learners and voters, promote caught-up
// learners, remove members, replace or demote voters through joint consensus, and leave explicit
// joint configurations. Invalid or concurrent changes are refused by Raft, which is part of the test.
namespace FastKv.Raft.Tests.Simulation;

public sealed partial class Cluster
{
    private void ChangeMembership()
    {
        var l = Leader();
        if (l is null) return;
        var r = l.Raft!;
        var cfg = r.Tracker.Config;
        var voters = cfg.Voters.Incoming.Ids.ToArray().ToList();
        var learners = cfg.Learners.ToList();
        ulong newId = 0;
        for (ulong id = 1; id <= (ulong)Options.MaxNodes; id++)
        {
            if (!_nodes.ContainsKey(id)) { newId = id; break; }
        }
        ConfChangeV2? cc = null;
        switch (_r.Next(7))
        {
            case 0 when newId != 0:
                cc = Single(ConfChangeType.AddLearnerNode, AddNode(newId));
                break;
            case 1 when learners.Count > 0:
                {
                    // Promote only a learner that has caught up, as an operator would.
                    var id = _r.Pick(learners);
                    if (r.Tracker.Progress.TryGetValue(id, out var pr) && pr.Match + 5 >= r.LastIndex)
                        cc = Single(ConfChangeType.AddNode, id);
                    break;
                }
            case 2 when newId != 0:
                cc = Single(ConfChangeType.AddNode, AddNode(newId));
                break;
            case 3:
                {
                    var members = voters.Concat(learners).ToList();
                    if (members.Count > 1) cc = Single(ConfChangeType.RemoveNode, _r.Pick(members));
                    break;
                }
            case 4 when voters.Count > 0:
                {
                    // Replace a voter through a joint configuration.
                    var incoming = learners.Count > 0 && _r.Chance(0.5) ? _r.Pick(learners) : newId;
                    if (incoming == 0) break;
                    if (incoming == newId) AddNode(newId);
                    cc = new ConfChangeV2
                    {
                        Transition = _r.Chance(0.5) ? ConfChangeTransition.JointImplicit : ConfChangeTransition.JointExplicit,
                        Changes = [new(ConfChangeType.AddNode, incoming), new(ConfChangeType.RemoveNode, _r.Pick(voters))],
                    };
                    break;
                }
            case 5 when voters.Count > 1:
                // Demote a voter to learner (joint, as the demoted node is in the outgoing half).
                cc = new ConfChangeV2
                {
                    Transition = _r.Chance(0.5) ? ConfChangeTransition.JointImplicit : ConfChangeTransition.JointExplicit,
                    Changes = [new(ConfChangeType.AddLearnerNode, _r.Pick(voters))],
                };
                break;
            case 6 when voters.Count > 1 && learners.Count > 0:
                // Swap roles: promote a learner and demote a voter at once.
                cc = new ConfChangeV2
                {
                    Transition = ConfChangeTransition.Auto,
                    Changes = [new(ConfChangeType.AddNode, _r.Pick(learners)), new(ConfChangeType.AddLearnerNode, _r.Pick(voters))],
                };
                break;
        }
        if (cc is null) return;
        Log.Info($"SIM propose conf change {cc} at {l.Id}");
        if (cc.Changes.Length == 1 && _r.Chance(0.5))
        {
            // The legacy single-change form.
            r.ProposeConfChange(new ConfChange { Type = cc.Changes[0].Type, NodeId = cc.Changes[0].NodeId, Id = _nextPayload++ });
        }
        else
        {
            r.ProposeConfChange(cc);
        }
    }

    private static ConfChangeV2 Single(ConfChangeType type, ulong id) => new() { Changes = [new(type, id)] };

    // A brand-new member starts with an empty log and no configuration; it learns both from the leader.
    private ulong AddNode(ulong id)
    {
        if (_nodes.ContainsKey(id)) return id;
        var n = new SimNode(id);
        n.Start(Options, Seed, Log);
        _nodes[id] = n;
        return id;
    }

    private void MaybeLeaveJointExplicitly()
    {
        var l = Leader();
        if (l is null) return;
        var cfg = l.Raft!.Tracker.Config;
        if (cfg.Voters.IsJoint && !cfg.AutoLeave && _r.Chance(0.1))
        {
            l.Raft.ProposeConfChange(new ConfChangeV2());
        }
    }
}

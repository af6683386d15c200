// Membership changes: validating proposed changes at the leader and applying committed ones.
namespace FastKv.Raft;

public sealed partial class RaftNode
{
    // Returns why a proposed configuration change must be refused, or null when it may be appended.
    private string? CheckConfChangeProposal(in Entry e)
    {
        ConfChangeV2 cc;
        try
        {
            cc = ConfChangeCodec.Decode(e);
        }
        catch (FormatException ex)
        {
            return $"undecodable: {ex.Message}";
        }
        // §4.1: one change at a time; the previous one must be applied before the next is appended.
        if (_pendingConfIndex > RaftLog.Applied) return $"possible unapplied conf change at index {_pendingConfIndex} (applied to {RaftLog.Applied})";
        bool alreadyJoint = Tracker.Config.Voters.IsJoint;
        if (alreadyJoint && !cc.IsLeaveJoint) return "must transition out of joint config first";
        if (!alreadyJoint && cc.IsLeaveJoint) return "not in joint state; refusing empty conf change";
        try
        {
            // Validate against the configuration it will apply to (nothing else is pending).
            Compute(cc);
        }
        catch (ConfChangeException ex)
        {
            return ex.Message;
        }
        return null;
    }

    private bool RemovesOrDemotesSelf(in Entry e)
    {
        var (cfg, prs) = Compute(ConfChangeCodec.Decode(e));
        return !cfg.Voters.Incoming.Contains(Id);
    }

    private (TrackerConfig, Dictionary<ulong, Progress>) Compute(ConfChangeV2 cc)
    {
        var changer = new ConfChanger(Tracker, RaftLog.LastIndex());
        if (cc.IsLeaveJoint) return changer.LeaveJoint();
        var (joint, autoLeave) = cc.EnterJoint();
        return joint ? changer.EnterJoint(autoLeave, cc.Changes) : changer.Simple(cc.Changes);
    }

    // Applies a committed configuration change; the host calls this while applying the entry.
    public ConfState ApplyConfChange(ConfChangeV2 cc)
    {
        var (cfg, prs) = Compute(cc);
        return SwitchToConfig(cfg, prs);
    }

    public ConfState ApplyConfChange(ConfChange cc) => ApplyConfChange(cc.AsV2());

    private ConfState SwitchToConfig(TrackerConfig cfg, Dictionary<ulong, Progress> prs)
    {
        Tracker.Apply(cfg, prs);
        Info($"{Id:x} switched to configuration {cfg}");
        var cs = cfg.ToConfState();
        var inConfig = Tracker.Progress.TryGetValue(Id, out var self);
        IsLearner = inConfig && self!.IsLearner;
        if ((!inConfig || IsLearner) && State == StateType.Leader)
        {
            // Removed or demoted while leading: step down so a voter of the new configuration leads.
            Info($"{Id:x} stepping down: no longer a voter in {cfg}");
            BecomeFollower(Term, None);
            return cs;
        }
        if (State != StateType.Leader || cs.Voters.Length == 0) return cs;
        if (MaybeCommit())
        {
            // The new quorum may already hold more entries.
            BcastAppend();
        }
        else
        {
            foreach (var id in Tracker.Ids)
            {
                if (id != Id) MaybeSendAppend(id, sendIfEmpty: false);
            }
        }
        if (LeadTransferee != None && !Tracker.IsVoter(LeadTransferee)) AbortLeaderTransfer();
        return cs;
    }
}

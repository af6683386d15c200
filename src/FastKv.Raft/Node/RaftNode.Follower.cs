// Follower behaviour: accept entries, heartbeats and snapshots from the leader, and forward
// proposals, read requests and transfer requests to it.
namespace FastKv.Raft;

public sealed partial class RaftNode
{
    private StepResult StepFollower(ref Message m)
    {
        switch (m.Type)
        {
            case MessageType.MsgProp:
                if (Lead == None)
                {
                    Info($"{Id:x} no leader at term {Term}; dropping proposal");
                    return StepResult.Dropped;
                }
                if (_cfg.DisableProposalForwarding)
                {
                    Info($"{Id:x} not forwarding to leader {Lead:x} at term {Term}; dropping proposal");
                    return StepResult.Dropped;
                }
                // The caller may reuse its entries buffer: copy into our batch arena.
                Send(new Message { To = Lead, Type = MessageType.MsgProp, Entries = _arena.Copy(m.Entries.Span) });
                return StepResult.Ok;
            case MessageType.MsgApp:
                _electionElapsed = 0;
                Lead = m.From;
                HandleAppendEntries(m);
                break;
            case MessageType.MsgHeartbeat:
                _electionElapsed = 0;
                Lead = m.From;
                HandleHeartbeat(m);
                break;
            case MessageType.MsgSnap:
                _electionElapsed = 0;
                Lead = m.From;
                HandleSnapshot(m);
                break;
            case MessageType.MsgTransferLeader:
                if (Lead == None)
                {
                    Info($"{Id:x} no leader at term {Term}; dropping leader transfer msg");
                    return StepResult.Dropped;
                }
                // Forwarded with the transferee kept in From, as the leader expects.
                Send(new Message { To = Lead, Type = MessageType.MsgTransferLeader, From = m.From });
                break;
            case MessageType.MsgTimeoutNow:
                Info($"{Id:x} [term {Term}] received MsgTimeoutNow from {m.From:x} and starts an election to get leadership");
                // Leadership transfer (§3.10): campaign at once, skipping pre-vote and overriding leases.
                Hup(transfer: true);
                break;
            case MessageType.MsgReadIndex:
                if (m.From != Id && m.From != None)
                {
                    // Forwarded to us by a node that thought we lead: forwarding again would route the
                    // answer to us instead of the requester, so let the requester time out and retry.
                    return StepResult.Dropped;
                }
                if (Lead == None)
                {
                    Info($"{Id:x} no leader at term {Term}; dropping index reading msg");
                    return StepResult.Dropped;
                }
                Send(new Message { To = Lead, Type = MessageType.MsgReadIndex, Entries = _arena.Copy(m.Entries.Span) });
                break;
            case MessageType.MsgReadIndexResp:
                if (m.Entries.Length != 1)
                {
                    Warn($"{Id:x} invalid format of MsgReadIndexResp from {m.From:x}, entries count: {m.Entries.Length}");
                    break;
                }
                _readStates.Add(new ReadState(m.Index, m.Entries.Span[0].Data));
                break;
        }
        return StepResult.Ok;
    }

    private void HandleAppendEntries(in Message m)
    {
        if (m.Index < RaftLog.Committed)
        {
            Send(new Message { To = m.From, Type = MessageType.MsgAppResp, Index = RaftLog.Committed });
            return;
        }
        if (RaftLog.MaybeAppend(m.Index, m.LogTerm, m.Commit, m.Entries.Span, out var lastNew))
        {
            Send(new Message { To = m.From, Type = MessageType.MsgAppResp, Index = lastNew });
            return;
        }
        // Reject with a hint (§5.3 optimisation): the largest index at or below the probe whose term
        // is at most the probe's term, so the leader can skip a whole term per round trip.
        var hintIndex = Math.Min(m.Index, RaftLog.LastIndex());
        var (idx, term) = RaftLog.FindConflictByTerm(hintIndex, m.LogTerm);
        Send(new Message
        {
            To = m.From,
            Type = MessageType.MsgAppResp,
            Index = m.Index,
            Reject = true,
            RejectHint = idx,
            LogTerm = term,
        });
    }

    private void HandleHeartbeat(in Message m)
    {
        // The leader sends min(match, commit), so this never exceeds what we hold.
        RaftLog.CommitTo(Math.Min(m.Commit, RaftLog.LastIndex()));
        Send(new Message { To = m.From, Type = MessageType.MsgHeartbeatResp, Context = m.Context });
    }

    private void HandleSnapshot(in Message m)
    {
        var s = m.Snapshot ?? throw new InvalidOperationException("MsgSnap without a snapshot");
        if (!s.ConfState.Contains(Id))
        {
            // Not a member as of this snapshot: answering would only make the leader send it again
            // at once; staying silent paces retries to heartbeats until a newer snapshot includes us.
            Warn($"{Id:x} attempted to restore snapshot but it is not in the ConfState {s.ConfState}; should never happen");
            return;
        }
        if (Restore(s))
        {
            Info($"{Id:x} [commit: {RaftLog.Committed}] restored snapshot [index: {s.Index}, term: {s.Term}]");
            Send(new Message { To = m.From, Type = MessageType.MsgAppResp, Index = RaftLog.LastIndex() });
        }
        else
        {
            Info($"{Id:x} [commit: {RaftLog.Committed}] ignored snapshot [index: {s.Index}, term: {s.Term}]");
            Send(new Message { To = m.From, Type = MessageType.MsgAppResp, Index = RaftLog.Committed });
        }
    }

    private bool Restore(Snapshot s)
    {
        if (s.Index <= RaftLog.Committed) return false;
        if (_readyOutstanding && _ready.CommittedEntries.Length > 0)
        {
            // The application is still applying entries we handed it (possibly configuration
            // changes): switching state under it would apply those on top of the snapshot's
            // membership. Decline; the leader retries after it hears from us again.
            Info($"{Id:x} [commit: {RaftLog.Committed}] deferred snapshot [index: {s.Index}, term: {s.Term}] while entries are being applied");
            return false;
        }
        if (State != StateType.Follower)
        {
            Warn($"{Id:x} attempted to restore snapshot as leader; should never happen");
            BecomeFollower(Term + 1, None);
            return false;
        }
        if (RaftLog.MatchTerm(s.Index, s.Term))
        {
            // We already have the entry: just fast-forward the commit index.
            Info($"{Id:x} [commit: {RaftLog.Committed}, lastindex: {RaftLog.LastIndex()}, lastterm: {RaftLog.LastTerm()}] fast-forwarded commit to snapshot [index: {s.Index}, term: {s.Term}]");
            RaftLog.CommitTo(s.Index);
            return false;
        }
        RaftLog.Restore(s);
        var (cfg, prs) = ConfChanger.Restore(new ProgressTracker(Tracker.MaxInflight, Tracker.MaxInflightBytes), s.ConfState, RaftLog.LastIndex());
        SwitchToConfig(cfg, prs);
        return true;
    }
}

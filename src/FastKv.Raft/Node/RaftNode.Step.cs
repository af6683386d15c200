// Entry point for every message: the term rules shared by all roles (§3.3, leases §4.2.3, pre-vote
// §9.6), voting, and dispatch to the role's handler.
namespace FastKv.Raft;

public sealed partial class RaftNode
{
    public StepResult Step(in Message msg)
    {
        var m = msg;
        if (m.Type is MessageType.MsgVoteResp or MessageType.MsgPreVoteResp) LearnCommitFromVoter(m);
        if (m.Term == 0)
        {
            // Local message.
        }
        else if (m.Term > Term)
        {
            if (m.Type is MessageType.MsgVote or MessageType.MsgPreVote)
            {
                bool force = m.Context.Span.SequenceEqual(CampaignTransfer);
                bool inLease = _cfg.CheckQuorum && Lead != None && _electionElapsed < _electionTimeout;
                if (!force && inLease)
                {
                    // We heard from a leader within the minimum election timeout: a vote request now
                    // comes from a disruptive (e.g. partitioned and returning) node, so ignore it.
                    Info($"{Id:x} [logterm: {RaftLog.LastTerm()}, index: {RaftLog.LastIndex()}, vote: {Vote:x}] ignored {m.Type} from {m.From:x} [logterm: {m.LogTerm}, index: {m.Index}] at term {Term}: lease is not expired (remaining ticks: {_electionTimeout - _electionElapsed})");
                    return StepResult.Ok;
                }
            }
            if (m.Type == MessageType.MsgPreVote)
            {
                // A pre-vote never changes our term.
            }
            else if (m.Type == MessageType.MsgPreVoteResp && !m.Reject)
            {
                // The future term we asked about; the term changes only when the pre-vote is won.
            }
            else
            {
                Info($"{Id:x} [term: {Term}] received a {m.Type} message with higher term from {m.From:x} [term: {m.Term}]");
                if (m.Type is MessageType.MsgApp or MessageType.MsgHeartbeat or MessageType.MsgSnap)
                    BecomeFollower(m.Term, m.From);
                else
                    BecomeFollower(m.Term, None);
            }
        }
        else if (m.Term < Term)
        {
            if (m.Type is MessageType.MsgHeartbeat or MessageType.MsgApp)
            {
                // §3.3: a request with a stale term is answered with our term, so the stale leader steps
                // down. (Without this a node whose term moved past the leader's, e.g. a learner bumped by
                // a disruptive candidate, would ignore the leader forever and the leader never learn why.)
                Send(new Message { To = m.From, Type = MessageType.MsgAppResp });
            }
            else if (m.Type is MessageType.MsgPreVote or MessageType.MsgVote)
            {
                // Likewise a candidate with a stale term learns ours from the rejection; otherwise two
                // nodes that each only ask the other's view of the voters could out-increment each
                // other forever (each ignoring the other's lower-term requests).
                var resp = m.Type == MessageType.MsgVote ? MessageType.MsgVoteResp : MessageType.MsgPreVoteResp;
                Send(RejectVote(m.From, resp));
            }
            return StepResult.Ok;
        }

        switch (m.Type)
        {
            case MessageType.MsgHup:
                Hup(transfer: false);
                return StepResult.Ok;
            case MessageType.MsgVote:
            case MessageType.MsgPreVote:
                HandleVoteRequest(m);
                return StepResult.Ok;
            default:
                return State switch
                {
                    StateType.Leader => StepLeader(ref m),
                    StateType.Candidate or StateType.PreCandidate => StepCandidate(ref m),
                    _ => StepFollower(ref m),
                };
        }
    }

    private void HandleVoteRequest(in Message m)
    {
        // We can vote for the one we already voted for (a retransmission), for anyone if we have not
        // voted and know no leader, and pre-vote for any future term.
        bool canVote = Vote == m.From ||
                       (Vote == None && Lead == None) ||
                       (m.Type == MessageType.MsgPreVote && m.Term > Term);
        var respType = m.Type == MessageType.MsgVote ? MessageType.MsgVoteResp : MessageType.MsgPreVoteResp;
        if (canVote && RaftLog.IsUpToDate(m.Index, m.LogTerm))
        {
            Info($"{Id:x} [logterm: {RaftLog.LastTerm()}, index: {RaftLog.LastIndex()}, vote: {Vote:x}] cast {m.Type} for {m.From:x} [logterm: {m.LogTerm}, index: {m.Index}] at term {Term}");
            // The response carries the candidate's term so a pre-candidate recognises it.
            Send(new Message { To = m.From, Term = m.Term, Type = respType });
            if (m.Type == MessageType.MsgVote)
            {
                _electionElapsed = 0;
                Vote = m.From;
            }
        }
        else
        {
            Info($"{Id:x} [logterm: {RaftLog.LastTerm()}, index: {RaftLog.LastIndex()}, vote: {Vote:x}] rejected {m.Type} from {m.From:x} [logterm: {m.LogTerm}, index: {m.Index}] at term {Term}");
            Send(RejectVote(m.From, respType));
        }
    }

    // A rejection carries our commit index and its term. A candidate whose log is behind the voter's
    // cannot win that vote, but if it holds the same entry at that index it may learn that the index is
    // committed (log matching makes the prefixes equal, and commitment is a fact, whoever reports it).
    // Without this a remaining voter that lost its durable commit index in a crash can wait forever on a
    // removed member with a longer log, which no longer campaigns and will not vote for it.
    private Message RejectVote(ulong to, MessageType respType) => new()
    {
        To = to,
        Term = Term,
        Type = respType,
        Reject = true,
        Commit = RaftLog.Committed,
        LogTerm = RaftLog.TermOrZero(RaftLog.Committed),
    };

    private void LearnCommitFromVoter(in Message m)
    {
        if (m.Reject && m.Commit > RaftLog.Committed && m.LogTerm != 0 && RaftLog.MatchTerm(m.Commit, m.LogTerm))
        {
            Info($"{Id:x} learned from {m.From:x} that index {m.Commit} is committed");
            RaftLog.CommitTo(m.Commit);
        }
    }

    private void Hup(bool transfer)
    {
        if (State == StateType.Leader)
        {
            return;
        }
        if (!Promotable())
        {
            Warn($"{Id:x} is unpromotable and can not campaign");
            return;
        }
        if (HasUnappliedConfChanges(RaftLog.Committed))
        {
            Warn($"{Id:x} cannot campaign at term {Term} since there are still pending configuration changes to apply");
            return;
        }
        Info($"{Id:x} is starting a new election at term {Term}");
        if (transfer) CampaignElection(transfer: true);
        else if (_cfg.PreVote) CampaignPreElection();
        else CampaignElection(transfer: false);
    }

    // Whether (applied, upTo] holds a configuration change.
    private bool HasUnappliedConfChanges(ulong upTo)
    {
        if (RaftLog.Applied >= upTo) return false;
        var lo = Math.Max(RaftLog.Applied + 1, RaftLog.FirstIndex());
        var hi = upTo + 1;
        while (lo < hi)
        {
            if (RaftLog.Slice(lo, hi, long.MaxValue, _arena, out var ents) != StorageResult.Ok || ents.Length == 0) return false;
            foreach (ref readonly var e in ents.Span)
            {
                if (e.Type != EntryType.Normal) return true;
            }
            lo += (ulong)ents.Length;
        }
        return false;
    }

    private void CampaignPreElection()
    {
        BecomePreCandidate();
        RequestVotes(MessageType.MsgPreVote, Term + 1, transfer: false);
    }

    private void CampaignElection(bool transfer)
    {
        BecomeCandidate();
        RequestVotes(MessageType.MsgVote, Term, transfer);
    }

    private void RequestVotes(MessageType type, ulong term, bool transfer)
    {
        var respType = type == MessageType.MsgVote ? MessageType.MsgVoteResp : MessageType.MsgPreVoteResp;
        if (Poll(Id, respType, true) == VoteResult.Won)
        {
            // Single-voter cluster: we won at once.
            if (type == MessageType.MsgPreVote) CampaignElection(transfer);
            else BecomeLeader();
            return;
        }
        var lastIndex = RaftLog.LastIndex();
        var lastTerm = RaftLog.LastTerm();
        foreach (var id in Tracker.Ids)
        {
            if (id == Id || !Tracker.IsVoter(id)) continue;
            Info($"{Id:x} [logterm: {lastTerm}, index: {lastIndex}] sent {type} request to {id:x} at term {Term}");
            Send(new Message
            {
                To = id,
                Term = term,
                Type = type,
                Index = lastIndex,
                LogTerm = lastTerm,
                Context = transfer ? CampaignTransfer : ReadOnlyMemory<byte>.Empty,
            });
        }
    }

    private VoteResult Poll(ulong id, MessageType t, bool granted)
    {
        if (id != Id)
        {
            if (granted) Info($"{Id:x} received {t} from {id:x} at term {Term}");
            else Info($"{Id:x} received {t} rejection from {id:x} at term {Term}");
        }
        Tracker.RecordVote(id, granted);
        var (g, r, result) = Tracker.TallyVotes();
        if (id != Id) Info($"{Id:x} has received {g} {t} votes and {r} vote rejections");
        return result;
    }
}

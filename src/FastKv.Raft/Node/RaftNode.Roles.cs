// Role transitions (follower, pre-candidate, candidate, leader) and the per-tick timers.
namespace FastKv.Raft;

public sealed partial class RaftNode
{
    private void Reset(ulong term)
    {
        if (Term != term)
        {
            Term = term;
            Vote = None;
        }
        Lead = None;
        _electionElapsed = 0;
        _heartbeatElapsed = 0;
        ResetRandomizedElectionTimeout();
        AbortLeaderTransfer();
        Tracker.ResetVotes();
        var last = RaftLog.LastIndex();
        foreach (var id in Tracker.Ids)
        {
            var pr = Tracker.Progress[id];
            pr.Match = 0;
            pr.Next = last + 1;
            pr.BecomeProbe();
            pr.Next = last + 1;
            pr.RecentActive = false;
            if (id == Id)
            {
                pr.Match = RaftLog.LastStableIndex();
                pr.RecentActive = true;
            }
        }
        _pendingConfIndex = 0;
        _blockProposalsUntil = 0;
        _uncommittedSize = 0;
        _readOnly = new ReadOnlyQueue(_cfg.ReadOnlyOption);
        _pendingReadIndexMessages.Clear();
    }

    private void BecomeFollower(ulong term, ulong lead)
    {
        Reset(term);
        Lead = lead;
        State = StateType.Follower;
        Info($"{Id:x} became follower at term {Term}");
    }

    private void BecomeCandidate()
    {
        if (State == StateType.Leader) throw new InvalidOperationException("invalid transition [leader -> candidate]");
        Reset(Term + 1);
        Vote = Id;
        State = StateType.Candidate;
        Info($"{Id:x} became candidate at term {Term}");
    }

    private void BecomePreCandidate()
    {
        if (State == StateType.Leader) throw new InvalidOperationException("invalid transition [leader -> pre-candidate]");
        // Pre-vote (§9.6) must not disturb anything durable: the term and vote stay as they are.
        Tracker.ResetVotes();
        Lead = None;
        State = StateType.PreCandidate;
        Info($"{Id:x} became pre-candidate at term {Term}");
    }

    private void BecomeLeader()
    {
        if (State == StateType.Follower) throw new InvalidOperationException("invalid transition [follower -> leader]");
        Reset(Term);
        Lead = Id;
        State = StateType.Leader;
        if (Tracker.Progress.TryGetValue(Id, out var self)) self.BecomeReplicate();
        // Conservatively assume the log may hold an unapplied conf change: none can be proposed
        // until everything up to here is applied.
        _pendingConfIndex = RaftLog.LastIndex();
        // An inherited, unapplied conf change might remove or demote us: take no proposals until it is applied.
        _blockProposalsUntil = HasUnappliedConfChanges(RaftLog.LastIndex()) ? RaftLog.LastIndex() : 0;
        // An entry of the new term lets the leader commit (and learn the commit index) quickly (§5.4.2, §8).
        AppendEntries(new Entry[] { new(ReadOnlyMemory<byte>.Empty) }, bypassCap: true);
        Info($"{Id:x} became leader at term {Term}");
    }

    private void TickElection()
    {
        _electionElapsed++;
        if (Promotable() && PastElectionTimeout())
        {
            _electionElapsed = 0;
            Step(new Message { Type = MessageType.MsgHup, From = Id });
        }
    }

    private void TickHeartbeat()
    {
        _heartbeatElapsed++;
        _electionElapsed++;
        if (_electionElapsed >= _electionTimeout)
        {
            _electionElapsed = 0;
            if (_cfg.CheckQuorum) Step(new Message { Type = MessageType.MsgCheckQuorum, From = Id });
            // A transfer that did not finish within an election timeout is given up.
            if (State == StateType.Leader && LeadTransferee != None) AbortLeaderTransfer();
        }
        if (State != StateType.Leader) return;
        if (_heartbeatElapsed >= _heartbeatTimeout)
        {
            _heartbeatElapsed = 0;
            Step(new Message { Type = MessageType.MsgBeat, From = Id });
        }
    }

    private void AbortLeaderTransfer() => LeadTransferee = None;
}

// Pre-candidate and candidate behaviour: count votes, and give way to a leader of our term.
namespace FastKv.Raft;

public sealed partial class RaftNode
{
    private StepResult StepCandidate(ref Message m)
    {
        var myVoteResp = State == StateType.PreCandidate ? MessageType.MsgPreVoteResp : MessageType.MsgVoteResp;
        switch (m.Type)
        {
            case MessageType.MsgProp:
                Info($"{Id:x} no leader at term {Term}; dropping proposal");
                return StepResult.Dropped;
            case MessageType.MsgReadIndex:
                return StepResult.Dropped;
            case MessageType.MsgApp:
                BecomeFollower(m.Term, m.From); // a leader exists in our term (§3.4)
                HandleAppendEntries(m);
                break;
            case MessageType.MsgHeartbeat:
                BecomeFollower(m.Term, m.From);
                HandleHeartbeat(m);
                break;
            case MessageType.MsgSnap:
                BecomeFollower(m.Term, m.From);
                HandleSnapshot(m);
                break;
            case MessageType.MsgVoteResp:
            case MessageType.MsgPreVoteResp:
                if (m.Type != myVoteResp) break;
                switch (Poll(m.From, m.Type, !m.Reject))
                {
                    case VoteResult.Won:
                        if (State == StateType.PreCandidate)
                        {
                            CampaignElection(transfer: false);
                        }
                        else
                        {
                            BecomeLeader();
                            BcastAppend();
                        }
                        break;
                    case VoteResult.Lost:
                        // Pre-candidates return to follower in their unchanged term.
                        BecomeFollower(Term, None);
                        break;
                }
                break;
            case MessageType.MsgTimeoutNow:
                Info($"{Id:x} [term {Term} state {State}] ignored MsgTimeoutNow from {m.From:x}");
                break;
        }
        return StepResult.Ok;
    }
}

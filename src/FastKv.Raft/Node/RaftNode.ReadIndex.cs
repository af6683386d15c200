// Linearizable reads without log writes (thesis §6.4): the leader records its commit index, confirms
// it is still leader (a heartbeat round, or its lease) and answers; followers forward to the leader.
namespace FastKv.Raft;

public sealed partial class RaftNode
{
    private void HandleReadIndexAtLeader(in Message m)
    {
        if (!CommittedEntryInCurrentTerm())
        {
            // Until we commit an entry of our term we do not know the latest commit index (§6.4 step 1);
            // this holds for a single voter too, whose durable commit index may lag what it had announced.
            var copy = m;
            copy.Entries = m.Entries.ToArray();
            _pendingReadIndexMessages.Add(copy);
            return;
        }
        if (Tracker.IsSingleton)
        {
            // Nobody else can lead: the commit index is a safe read point right away.
            RespondToReadIndex(m.From, RaftLog.Committed, m.Entries);
            return;
        }
        ServeReadIndex(m);
    }

    private void ServeReadIndex(in Message m)
    {
        var ctx = m.Entries.Span[0].Data.Span;
        switch (_readOnly.Option)
        {
            case ReadOnlyOption.Safe:
                _readOnly.AddRequest(RaftLog.Committed, m.From, ctx);
                _readOnly.RecvAck(Id, ctx);
                BcastHeartbeat();
                break;
            case ReadOnlyOption.LeaseBased:
                RespondToReadIndex(m.From, RaftLog.Committed, m.Entries);
                break;
        }
    }

    private void HandleReadIndexAck(in Message m)
    {
        var acks = _readOnly.RecvAck(m.From, m.Context.Span);
        if (acks is null) return;
        if (Tracker.Config.Voters.Vote(acks) != VoteResult.Won) return;
        foreach (var st in _readOnly.Advance(m.Context.Span))
        {
            RespondToReadIndex(st.From, st.Index, new[] { new Entry(st.Context) });
        }
    }

    private void RespondToReadIndex(ulong from, ulong index, ReadOnlyMemory<Entry> ctxEntries)
    {
        if (from == None || from == Id)
        {
            _readStates.Add(new ReadState(index, ctxEntries.Span[0].Data));
            return;
        }
        Send(new Message { To = from, Type = MessageType.MsgReadIndexResp, Index = index, Entries = _arena.Copy(ctxEntries.Span) });
    }

    private void ReleasePendingReadIndexMessages()
    {
        if (_pendingReadIndexMessages.Count == 0) return;
        if (Tracker.IsSingleton)
        {
            foreach (var m in _pendingReadIndexMessages) RespondToReadIndex(m.From, RaftLog.Committed, m.Entries);
        }
        else
        {
            foreach (var m in _pendingReadIndexMessages) ServeReadIndex(m);
        }
        _pendingReadIndexMessages.Clear();
    }
}

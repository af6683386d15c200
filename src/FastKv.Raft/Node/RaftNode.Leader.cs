// Leader behaviour: heartbeats, check-quorum, proposals (with the one-pending-conf-change rule),
// acknowledgements and rejections from followers, snapshot status and leadership transfer.
namespace FastKv.Raft;

public sealed partial class RaftNode
{
    private StepResult StepLeader(ref Message m)
    {
        switch (m.Type)
        {
            case MessageType.MsgBeat:
                BcastHeartbeat();
                return StepResult.Ok;
            case MessageType.MsgCheckQuorum:
                if (!Tracker.QuorumActive())
                {
                    Warn($"{Id:x} stepped down to follower since quorum is not active");
                    BecomeFollower(Term, None);
                }
                // Every follower must prove itself again during the next election timeout.
                foreach (var id in Tracker.Ids)
                {
                    if (id != Id) Tracker.Progress[id].RecentActive = false;
                }
                return StepResult.Ok;
            case MessageType.MsgProp:
                return HandleProposal(ref m);
            case MessageType.MsgReadIndex:
                HandleReadIndexAtLeader(m);
                return StepResult.Ok;
        }

        if (!Tracker.Progress.TryGetValue(m.From, out var pr))
        {
            return StepResult.Ok; // not a member (any more)
        }
        switch (m.Type)
        {
            case MessageType.MsgAppResp:
                HandleAppendResponse(m, pr);
                break;
            case MessageType.MsgHeartbeatResp:
                pr.RecentActive = true;
                pr.MsgAppFlowPaused = false;
                // If every message that filled the window was lost, nothing would ever free it: let one
                // more go out; a gap makes the follower reject it, which drops us back to probing.
                if (pr.State == ProgressState.Replicate && pr.Inflights.Full) pr.Inflights.FreeFirstOne();
                if (pr.Match < RaftLog.LastIndex() || pr.State == ProgressState.Probe) MaybeSendAppend(m.From, sendIfEmpty: true);
                if (_readOnly.Option == ReadOnlyOption.Safe && !m.Context.IsEmpty) HandleReadIndexAck(m);
                break;
            case MessageType.MsgSnapStatus:
                if (pr.State != ProgressState.Snapshot) break;
                if (m.Reject)
                {
                    Info($"{Id:x} snapshot failed, resumed sending replication messages to {m.From:x} [{pr}]");
                    pr.PendingSnapshot = 0;
                }
                else
                {
                    Info($"{Id:x} snapshot succeeded, resumed sending replication messages to {m.From:x} [{pr}]");
                }
                pr.BecomeProbe();
                // Wait for the follower's acknowledgement (or a heartbeat response) before probing.
                pr.MsgAppFlowPaused = true;
                break;
            case MessageType.MsgUnreachable:
                // Optimistic pipelining was wasted: fall back to probing.
                if (pr.State == ProgressState.Replicate) pr.BecomeProbe();
                break;
            case MessageType.MsgTransferLeader:
                HandleTransferLeader(m.From, pr);
                break;
        }
        return StepResult.Ok;
    }

    private StepResult HandleProposal(ref Message m)
    {
        if (m.Entries.Length == 0) throw new InvalidOperationException($"{Id:x} stepped empty MsgProp");
        if (!Tracker.Progress.ContainsKey(Id))
        {
            // Removed from the configuration but still leading until it steps down: refuse new work.
            return StepResult.Dropped;
        }
        if (LeadTransferee != None)
        {
            Info($"{Id:x} [term {Term}] transfer leadership to {LeadTransferee:x} is in progress; dropping proposal");
            return StepResult.Dropped;
        }
        var ents = m.Entries.Span;
        if (RaftLog.Applied < _blockProposalsUntil)
        {
            // A configuration change that may remove or demote us is not applied yet; appending more
            // would leave us with entries the remaining voters lack, and they may need our vote.
            Info($"{Id:x} [term {Term}] a configuration change that may remove or demote this leader is pending (applied {RaftLog.Applied} < {_blockProposalsUntil}); dropping proposal");
            return StepResult.Dropped;
        }
        bool hasConf = false;
        foreach (ref readonly var e in ents)
        {
            if (e.Type != EntryType.Normal) { hasConf = true; break; }
        }
        if (hasConf)
        {
            // Rare: build a private copy where refused configuration changes become empty entries.
            var copy = ents.ToArray();
            ulong pendingConf = 0, blockUntil = 0;
            for (int i = 0; i < copy.Length; i++)
            {
                if (copy[i].Type == EntryType.Normal) continue;
                var refusal = pendingConf != 0 ? "another conf change in the same batch" : CheckConfChangeProposal(copy[i]);
                if (refusal is not null)
                {
                    Info($"{Id:x} ignoring conf change {copy[i]} at config {Tracker.Config}: {refusal}");
                    copy[i] = new Entry(ReadOnlyMemory<byte>.Empty);
                }
                else
                {
                    pendingConf = RaftLog.LastIndex() + (ulong)i + 1;
                    if (RemovesOrDemotesSelf(copy[i])) blockUntil = pendingConf;
                }
            }
            if (!AppendEntries(copy)) return StepResult.Dropped;
            // Only once the entries are really in the log: a dropped batch must not leave a phantom
            // pending index behind (it would block later changes and proposals for good).
            if (pendingConf != 0) _pendingConfIndex = pendingConf;
            if (blockUntil != 0) _blockProposalsUntil = blockUntil;
        }
        else if (!AppendEntries(ents))
        {
            return StepResult.Dropped;
        }
        BcastAppend();
        return StepResult.Ok;
    }

    private void HandleAppendResponse(in Message m, Progress pr)
    {
        pr.RecentActive = true;
        if (m.Reject)
        {
            var nextProbeIdx = m.RejectHint;
            if (m.LogTerm > 0)
            {
                // Skip every entry of ours whose term is above the follower's term at the hint.
                nextProbeIdx = RaftLog.FindConflictByTerm(m.RejectHint, m.LogTerm).Index;
            }
            if (pr.MaybeDecrTo(m.Index, nextProbeIdx))
            {
                if (pr.State == ProgressState.Replicate) pr.BecomeProbe();
                MaybeSendAppend(m.From, sendIfEmpty: true);
            }
            return;
        }
        var oldPaused = pr.IsPaused;
        if (!pr.MaybeUpdate(m.Index) && !(pr.Match == m.Index && pr.State == ProgressState.Probe))
        {
            return;
        }
        switch (pr.State)
        {
            case ProgressState.Probe:
                pr.BecomeReplicate();
                break;
            case ProgressState.Snapshot when pr.Match + 1 >= RaftLog.FirstIndex():
                // Caught up past the snapshot: resume normal replication.
                pr.BecomeProbe();
                pr.BecomeReplicate();
                break;
            case ProgressState.Replicate:
                pr.Inflights.FreeLE(m.Index);
                break;
        }
        if (MaybeCommit())
        {
            BcastAppend();
        }
        else if (oldPaused)
        {
            MaybeSendAppend(m.From, sendIfEmpty: true);
        }
        // Keep the pipeline full while the window allows.
        while (MaybeSendAppend(m.From, sendIfEmpty: false)) { }
        if (m.From == LeadTransferee && pr.Match == RaftLog.LastIndex())
        {
            Info($"{Id:x} sent MsgTimeoutNow to {m.From:x} after received MsgAppResp");
            Send(new Message { To = m.From, Type = MessageType.MsgTimeoutNow });
        }
    }

    private void HandleTransferLeader(ulong transferee, Progress pr)
    {
        if (pr.IsLearner)
        {
            Info($"{Id:x} [term {Term}] ignored transferring leadership to learner {transferee:x}");
            return;
        }
        var last = LeadTransferee;
        if (last != None)
        {
            if (last == transferee)
            {
                Info($"{Id:x} [term {Term}] transfer leadership to {transferee:x} is in progress, ignores request to same node");
                return;
            }
            AbortLeaderTransfer();
            Info($"{Id:x} [term {Term}] abort previous transferring leadership to {last:x}");
        }
        if (transferee == Id)
        {
            Info($"{Id:x} is already leader. Ignored transferring leadership to self");
            return;
        }
        Info($"{Id:x} [term {Term}] starts to transfer leadership to {transferee:x}");
        // The transfer must finish within one election timeout, otherwise it is aborted.
        _electionElapsed = 0;
        LeadTransferee = transferee;
        if (pr.Match == RaftLog.LastIndex())
        {
            Info($"{Id:x} sends MsgTimeoutNow to {transferee:x} immediately as {transferee:x} already has up-to-date log");
            Send(new Message { To = transferee, Type = MessageType.MsgTimeoutNow });
        }
        else
        {
            MaybeSendAppend(transferee, sendIfEmpty: true);
        }
    }
}

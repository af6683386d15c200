// Producing ready batches and acknowledging them. The leader counts its own log towards commit
// only once the host has persisted it (Advance), so sending before fsync stays safe.
namespace FastKv.Raft;

public sealed partial class RaftNode
{
    public bool HasReady()
    {
        if (_readyOutstanding) return false;
        if (CurrentSoftState != _prevSoftState) return true;
        var hs = CurrentHardState;
        if (!hs.IsEmpty && hs != _prevHardState) return true;
        if (RaftLog.Unstable.Snapshot is not null) return true;
        if (RaftLog.Unstable.Count > 0) return true;
        if (_msgs.Count > 0 || _msgsAfterPersist.Count > 0 || _readStates.Count > 0) return true;
        return RaftLog.HasNextCommittedEntries();
    }

    public Ready GetReady()
    {
        if (_readyOutstanding) throw new InvalidOperationException("the previous ready batch has not been advanced");
        var rd = _ready;
        var ss = CurrentSoftState;
        if (ss != _prevSoftState)
        {
            rd.SoftState = ss;
            LogLeaderChange(_prevSoftState.Lead, ss.Lead);
        }
        else
        {
            rd.SoftState = null;
        }
        var hs = CurrentHardState;
        rd.HardState = !hs.IsEmpty && hs != _prevHardState ? hs : null;
        rd.Snapshot = RaftLog.Unstable.Snapshot;
        rd.Entries = RaftLog.Unstable.Expose();
        rd.CommittedEntries = ReadOnlyMemory<Entry>.Empty;
        if (RaftLog.HasNextCommittedEntries())
        {
            var lo = Math.Max(RaftLog.Applied + 1, RaftLog.FirstIndex());
            if (RaftLog.Slice(lo, RaftLog.Committed + 1, _cfg.MaxCommittedSizePerReady, _arena, out var ce) == StorageResult.Ok)
                rd.CommittedEntries = ce;
        }
        rd.MustSync = rd.Entries.Length > 0 || rd.Snapshot is not null ||
                      hs.Term != _prevHardState.Term || hs.Vote != _prevHardState.Vote;

        (rd.Messages, _msgs) = (_msgs, rd.Messages);
        (rd.MessagesAfterPersist, _msgsAfterPersist) = (_msgsAfterPersist, rd.MessagesAfterPersist);
        (rd.ReadStates, _readStates) = (_readStates, rd.ReadStates);
        // The batch keeps the arena its messages point into; new messages use the spare one.
        (_arena, _spareArena) = (_spareArena, _arena);
        _readyOutstanding = true;
        return rd;
    }

    // The host has handled the last ready batch (persisted, sent, applied).
    public void Advance()
    {
        if (!_readyOutstanding) throw new InvalidOperationException("no ready batch to advance");
        var rd = _ready;
        if (rd.Snapshot is not null)
        {
            RaftLog.StableSnapTo(rd.Snapshot.Index);
            if (RaftLog.Applied < rd.Snapshot.Index) RaftLog.Applied = rd.Snapshot.Index;
        }
        if (rd.Entries.Length > 0)
        {
            // Usually the whole batch is still our log. If a new leader replaced part of it while the
            // host was persisting, the part before the replacement is durable all the same (log
            // matching: a matching entry implies a matching prefix).
            var ents = rd.Entries.Span;
            for (int k = ents.Length - 1; k >= 0; k--)
            {
                if (RaftLog.Unstable.MaybeTerm(ents[k].Index, out var t) && t == ents[k].Term)
                {
                    RaftLog.StableTo(ents[k].Index, ents[k].Term);
                    break;
                }
            }
        }
        RaftLog.Unstable.ReleaseExposure();
        if (rd.CommittedEntries.Length > 0)
        {
            var ents = rd.CommittedEntries.Span;
            var lastApplied = ents[^1].Index;
            if (lastApplied > RaftLog.Applied) RaftLog.AppliedTo(lastApplied);
            ReduceUncommittedSize(ents);
        }
        if (rd.HardState is { } hs) _prevHardState = hs;
        if (rd.SoftState is { } ss) _prevSoftState = ss;

        rd.Messages.Clear();
        rd.MessagesAfterPersist.Clear();
        rd.ReadStates.Clear();
        rd.Entries = default;
        rd.CommittedEntries = default;
        rd.Snapshot = null;
        _spareArena.Reset();
        _readyOutstanding = false;

        if (State == StateType.Leader)
        {
            // Our own log is now durable up to here: it counts towards the quorum.
            if (Tracker.Progress.TryGetValue(Id, out var self) && self.MaybeUpdate(RaftLog.LastStableIndex()) && MaybeCommit())
            {
                BcastAppend();
            }
            MaybeAutoLeaveJoint();
        }
    }

    private void LogLeaderChange(ulong oldLead, ulong newLead)
    {
        if (oldLead == newLead) return;
        if (newLead == None) Info($"raft.node: {Id:x} lost leader {oldLead:x} at term {Term}");
        else if (oldLead == None) Info($"raft.node: {Id:x} elected leader {newLead:x} at term {Term}");
        else Info($"raft.node: {Id:x} changed leader from {oldLead:x} to {newLead:x} at term {Term}");
    }

    private void MaybeAutoLeaveJoint()
    {
        if (Tracker.Config.AutoLeave && RaftLog.Applied >= _pendingConfIndex && State == StateType.Leader)
        {
            // The joint configuration is applied: propose leaving it. The pending index guards
            // against proposing twice.
            var r = Step(new Message
            {
                Type = MessageType.MsgProp,
                From = Id,
                Entries = new[] { new Entry(0, 0, EntryType.ConfChangeV2, ConfChangeCodec.Encode(new ConfChangeV2())) },
            });
            if (r == StepResult.Ok) Info($"initiating automatic transition out of joint configuration {Tracker.Config.Voters}");
        }
    }
}

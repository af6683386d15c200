// Leader-side log replication (§3.5): appending proposals, sending MsgApp/MsgSnap within each
// follower's flow-control window, heartbeats, and advancing the commit index by quorum.
namespace FastKv.Raft;

public sealed partial class RaftNode
{
    // Appends new entries at the end of the leader's log with our term; false if the uncommitted cap refuses them.
    private bool AppendEntries(ReadOnlySpan<Entry> ents, bool bypassCap = false)
    {
        if (!bypassCap && !IncreaseUncommittedSize(ents))
        {
            Warn($"{Id:x} appending new entries to log would exceed uncommitted entry size limit; dropping proposal");
            return false;
        }
        var li = RaftLog.LastIndex();
        var dst = RaftLog.Unstable.PrepareAppend(li + 1, ents.Length);
        for (int i = 0; i < ents.Length; i++)
        {
            dst[i] = ents[i].WithPosition(Term, li + 1 + (ulong)i);
        }
        // Our own progress advances only when the host reports the entries durable (Advance).
        return true;
    }

    private bool IncreaseUncommittedSize(ReadOnlySpan<Entry> ents)
    {
        if (_cfg.MaxUncommittedEntriesSize <= 0) return true;
        long s = 0;
        foreach (ref readonly var e in ents) s += e.Data.Length;
        // Always allow a proposal when nothing is outstanding, so an oversized entry is not stuck forever.
        if (_uncommittedSize > 0 && s > 0 && _uncommittedSize + s > _cfg.MaxUncommittedEntriesSize) return false;
        _uncommittedSize += s;
        return true;
    }

    private void ReduceUncommittedSize(ReadOnlySpan<Entry> ents)
    {
        if (State != StateType.Leader || _cfg.MaxUncommittedEntriesSize <= 0) return;
        long s = 0;
        foreach (ref readonly var e in ents) s += e.Data.Length;
        _uncommittedSize = s > _uncommittedSize ? 0 : _uncommittedSize - s;
    }

    // Sends what the follower needs next, if its window allows; returns whether a message was sent.
    private bool MaybeSendAppend(ulong to, bool sendIfEmpty)
    {
        var pr = Tracker.Progress[to];
        if (pr.IsPaused) return false;
        var prevIndex = pr.Next - 1;
        var rt = RaftLog.TryTerm(prevIndex, out var prevTerm);
        ReadOnlyMemory<Entry> ents = default;
        var re = rt == StorageResult.Ok && pr.Next <= RaftLog.LastIndex()
            ? RaftLog.Slice(pr.Next, RaftLog.LastIndex() + 1, _cfg.MaxSizePerMsg, _arena, out ents)
            : rt;
        if (rt != StorageResult.Ok || re != StorageResult.Ok)
        {
            // The entries the follower needs are compacted away: send a snapshot instead.
            return MaybeSendSnapshot(to, pr);
        }
        if (ents.Length == 0 && !sendIfEmpty) return false;
        long bytes = 0;
        foreach (ref readonly var e in ents.Span) bytes += e.Data.Length;
        Send(new Message
        {
            To = to,
            Type = MessageType.MsgApp,
            Index = prevIndex,
            LogTerm = prevTerm,
            Entries = ents,
            Commit = RaftLog.Committed,
        });
        pr.SentEntries(ents.Length, bytes, ents.Length > 0 ? ents.Span[^1].Index : prevIndex);
        return true;
    }

    private bool MaybeSendSnapshot(ulong to, Progress pr)
    {
        if (!pr.RecentActive)
        {
            // Do not ship a large snapshot to a node we have not heard from lately.
            return false;
        }
        var snap = RaftLog.Snapshot();
        if (snap is null || snap.IsEmpty)
        {
            // The application is still producing one; retry on a later heartbeat response.
            return false;
        }
        Info($"{Id:x} [firstindex: {RaftLog.FirstIndex()}, commit: {RaftLog.Committed}] sent snapshot[index: {snap.Index}, term: {snap.Term}] to {to:x} [{pr}]");
        pr.BecomeSnapshot(snap.Index);
        Send(new Message { To = to, Type = MessageType.MsgSnap, Snapshot = snap });
        return true;
    }

    private void BcastAppend()
    {
        foreach (var id in Tracker.Ids)
        {
            if (id == Id) continue;
            // Fill the follower's window (one message in Probe state, up to the in-flight limit in Replicate).
            if (MaybeSendAppend(id, sendIfEmpty: true))
            {
                while (MaybeSendAppend(id, sendIfEmpty: false)) { }
            }
        }
    }

    private void BcastHeartbeat()
    {
        var ctx = _readOnly.LastPendingRequestContext;
        foreach (var id in Tracker.Ids)
        {
            if (id != Id) SendHeartbeat(id, ctx);
        }
    }

    private void SendHeartbeat(ulong to, ReadOnlyMemory<byte> ctx)
    {
        // Never tell a follower to commit beyond what it is known to hold.
        var commit = Math.Min(Tracker.Progress[to].Match, RaftLog.Committed);
        Send(new Message { To = to, Type = MessageType.MsgHeartbeat, Commit = commit, Context = ctx });
    }

    // Advances the commit index to what a quorum holds, if that entry is of the current term (§3.6.2).
    private bool MaybeCommit()
    {
        var wasCommittedInTerm = CommittedEntryInCurrentTerm();
        if (!RaftLog.MaybeCommit(Tracker.Committed(), Term)) return false;
        if (!wasCommittedInTerm) ReleasePendingReadIndexMessages();
        return true;
    }

    private bool CommittedEntryInCurrentTerm() => RaftLog.TermOrZero(RaftLog.Committed) == Term;
}

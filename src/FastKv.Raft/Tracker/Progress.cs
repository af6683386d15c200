// The leader's view of one follower: how far its log matches (Match), what to send next (Next),
// the replication state and its in-flight window, and whether it was heard from recently.
namespace FastKv.Raft;

public sealed class Progress
{
    public ulong Match;
    public ulong Next;
    public ProgressState State;
    // In Snapshot state: the index of the snapshot being sent.
    public ulong PendingSnapshot;
    // Heard from within the current election timeout (check-quorum and snapshot gating).
    public bool RecentActive;
    // In Probe state: a probe is outstanding, wait for a reply or the next heartbeat.
    public bool MsgAppFlowPaused;
    public bool IsLearner;
    internal readonly Inflights Inflights;

    internal Progress(ulong next, int maxInflight, long maxInflightBytes, bool isLearner)
    {
        Next = next;
        IsLearner = isLearner;
        Inflights = new Inflights(maxInflight, maxInflightBytes);
    }

    private Progress(Progress other)
    {
        Match = other.Match;
        Next = other.Next;
        State = other.State;
        PendingSnapshot = other.PendingSnapshot;
        RecentActive = other.RecentActive;
        MsgAppFlowPaused = other.MsgAppFlowPaused;
        IsLearner = other.IsLearner;
        Inflights = other.Inflights;
    }

    // A copy that shares the in-flight window (the messages in flight are the same ones).
    internal Progress Clone() => new(this);

    private void ResetState(ProgressState state)
    {
        MsgAppFlowPaused = false;
        PendingSnapshot = 0;
        State = state;
        Inflights.Reset();
    }

    public void BecomeProbe()
    {
        if (State == ProgressState.Snapshot)
        {
            var pending = PendingSnapshot;
            ResetState(ProgressState.Probe);
            Next = Math.Max(Match + 1, pending + 1);
        }
        else
        {
            ResetState(ProgressState.Probe);
            Next = Match + 1;
        }
    }

    public void BecomeReplicate()
    {
        ResetState(ProgressState.Replicate);
        Next = Match + 1;
    }

    public void BecomeSnapshot(ulong snapshotIndex)
    {
        ResetState(ProgressState.Snapshot);
        PendingSnapshot = snapshotIndex;
    }

    // Bookkeeping after sending a MsgApp carrying `count` entries ending at `lastIndex`.
    internal void SentEntries(int count, long bytes, ulong lastIndex)
    {
        switch (State)
        {
            case ProgressState.Replicate:
                if (count > 0)
                {
                    Next = lastIndex + 1;
                    Inflights.Add(lastIndex, bytes);
                }
                break;
            case ProgressState.Probe:
                // One probe at a time; heartbeat responses and acknowledgements unpause it.
                MsgAppFlowPaused = true;
                break;
            default:
                throw new InvalidOperationException($"sending append in unhandled state {State}");
        }
    }

    // An acknowledgement up to n: returns whether Match moved.
    public bool MaybeUpdate(ulong n)
    {
        bool updated = false;
        if (Match < n)
        {
            Match = n;
            updated = true;
            MsgAppFlowPaused = false;
        }
        Next = Math.Max(Next, n + 1);
        return updated;
    }

    // A rejection of the MsgApp at index `rejected`, with the follower's hint: returns false if stale.
    public bool MaybeDecrTo(ulong rejected, ulong matchHint)
    {
        if (State == ProgressState.Replicate)
        {
            if (rejected <= Match) return false;
            Next = Match + 1;
            return true;
        }
        if (Next - 1 != rejected) return false;
        Next = Math.Max(Math.Min(rejected, matchHint + 1), Match + 1);
        MsgAppFlowPaused = false;
        return true;
    }

    public bool IsPaused => State switch
    {
        ProgressState.Probe => MsgAppFlowPaused,
        ProgressState.Replicate => Inflights.Full,
        _ => true,
    };

    public override string ToString() => $"{State} match={Match} next={Next}" + (IsLearner ? " learner" : "") + (State == ProgressState.Snapshot ? $" pendingSnap={PendingSnapshot}" : "");
}

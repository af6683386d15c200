// Linearizable reads wait here. Reads that arrive while a ReadIndex round is in flight share
// the next round (one Raft round trip serves them all, as etcd batches them); a round's reads
// are released once the member has applied up to the index the leader confirmed.
namespace FastKv.Server.Member;

public sealed class ReadIndexQueue
{
    private readonly Lock _gate = new();
    private List<TaskCompletionSource> _arriving = new();
    private readonly Dictionary<ulong, List<TaskCompletionSource>> _inFlight = new();
    private readonly List<(ulong Index, List<TaskCompletionSource> Reads)> _waitingApply = new();
    private ulong _round;

    /// <summary>Called by a reader; completes when a read may be served locally.</summary>
    public Task WaitAsync()
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate) _arriving.Add(tcs);
        return tcs.Task;
    }

    /// <summary>Raft loop: takes the reads that arrived since the last round, if any, and names the round.</summary>
    public bool TryStartRound(out ulong round)
    {
        lock (_gate)
        {
            round = 0;
            if (_arriving.Count == 0) return false;
            round = ++_round;
            _inFlight[round] = _arriving;
            _arriving = new List<TaskCompletionSource>();
            return true;
        }
    }

    /// <summary>Raft loop: the leader confirmed <paramref name="index"/> for the round.</summary>
    public void Confirmed(ulong round, ulong index, ulong applied)
    {
        List<TaskCompletionSource>? reads;
        lock (_gate)
        {
            if (!_inFlight.Remove(round, out reads)) return;
            if (index > applied)
            {
                _waitingApply.Add((index, reads));
                return;
            }
        }
        foreach (var r in reads) r.TrySetResult();
    }

    /// <summary>Raft loop: releases every round whose index is now applied.</summary>
    public void Applied(ulong applied)
    {
        List<TaskCompletionSource>? ready = null;
        lock (_gate)
        {
            for (var i = _waitingApply.Count - 1; i >= 0; i--)
            {
                if (_waitingApply[i].Index > applied) continue;
                (ready ??= new()).AddRange(_waitingApply[i].Reads);
                _waitingApply.RemoveAt(i);
            }
        }
        if (ready is null) return;
        foreach (var r in ready) r.TrySetResult();
    }

    /// <summary>Rounds in flight when leadership is lost or the round was dropped fail; their readers retry.</summary>
    public void FailInFlight(Exception error)
    {
        List<TaskCompletionSource> failed = new();
        lock (_gate)
        {
            foreach (var reads in _inFlight.Values) failed.AddRange(reads);
            _inFlight.Clear();
        }
        foreach (var r in failed) r.TrySetException(error);
    }

    public void FailAll(Exception error)
    {
        FailInFlight(error);
        List<TaskCompletionSource> failed;
        lock (_gate)
        {
            failed = _arriving;
            _arriving = new();
            foreach (var (_, reads) in _waitingApply) failed.AddRange(reads);
            _waitingApply.Clear();
        }
        foreach (var r in failed) r.TrySetException(error);
    }
}

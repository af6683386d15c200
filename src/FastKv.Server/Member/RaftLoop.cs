// The member's Raft loop: the only code that touches the RaftNode. It ticks the node every
// heartbeat interval, feeds it proposals and ReadIndex rounds, and handles each ready batch in
// order: persist to the WAL (one fdatasync covers every proposal that arrived meanwhile, which
// is the group commit), apply committed entries, release linearizable reads, advance.
//
// One iteration runs at a time, by whoever holds the turn. Usually that is the raft thread; a
// request that finds the thread asleep takes the turn and runs the iteration itself, so a lone
// client's put or linearizable read does not pay for waking another thread and switching to it.
// While the thread is busy, requests only queue: under load it keeps the turn and batches.
using System.Buffers.Binary;
using System.Collections.Concurrent;
using FastKv.Api;
using FastKv.Raft;
using FastKv.Server.Logging;

namespace FastKv.Server.Member;

public sealed class RaftLoop : IDisposable
{
    private readonly RaftNode _node;
    private readonly DurableLog _log;
    private readonly IStateMachine _machine;
    private readonly RequestWaiters _waiters;
    private readonly ReadIndexQueue _reads;
    private readonly JsonLog _logger;
    private readonly TimeSpan _heartbeat;
    private readonly ulong _snapshotCount;
    private readonly int _maxSnapshots;
    private readonly int _maxWals;
    private readonly ConcurrentQueue<(ulong Id, byte[] Data)> _proposals = new();
    private readonly ConcurrentQueue<(Action Work, TaskCompletionSource Done)> _applyThreadWork = new();
    // A kernel event, not SemaphoreSlim: the raft thread waits often and briefly, and a
    // spinning wait burned a core on sched_yield between proposals.
    private readonly AutoResetEvent _signal = new(false);
    // 1 once someone has signalled since the loop last started draining: later producers skip the
    // kernel call, so a burst of proposals costs one Set per loop iteration rather than one each.
    private int _signalled;
    // Held for one iteration; not reentrant, so a request completed inside an iteration that
    // proposes again queues instead of nesting a second iteration.
    private readonly SemaphoreSlim _turn = new(1, 1);
    // True while the raft thread is blocked waiting for work or the next tick.
    private volatile bool _idle;
    private long _nextTick;
    private readonly Thread _thread;
    private volatile bool _stopping;
    private ulong _applied;
    private ulong _lastSnapshotIndex;
    private volatile RaftStatus _status = RaftStatus.Initial;
    private volatile Exception? _fatal;

    // Shutting down, or stopped by a failure: either way no iteration will run again.
    private bool Stopped => _stopping || _fatal is not null;

    public RaftLoop(RaftNode node, DurableLog log, IStateMachine machine, RequestWaiters waiters, ReadIndexQueue reads,
        JsonLog logger, TimeSpan heartbeat, ulong snapshotCount, int maxSnapshots, int maxWals)
    {
        _node = node;
        _log = log;
        _machine = machine;
        _waiters = waiters;
        _reads = reads;
        _logger = logger;
        _heartbeat = heartbeat;
        _snapshotCount = snapshotCount;
        _maxSnapshots = maxSnapshots;
        _maxWals = maxWals;
        _applied = log.SnapshotIndex;
        _lastSnapshotIndex = log.SnapshotIndex;
        _thread = new Thread(Run) { Name = "raft", IsBackground = true };
    }

    public RaftStatus Status => _status;

    /// <summary>Raised inside a loop iteration when this member gains or loses leadership.</summary>
    public event Action<ulong>? LeaderChanged;

    public void Start()
    {
        PublishStatus();
        _thread.Start();
    }

    /// <summary>Queues an encoded request; its waiter completes when it is applied.</summary>
    public void Propose(ulong id, byte[] data)
    {
        if (Stopped) throw EtcdErrors.Stopped();
        _proposals.Enqueue((id, data));
        RunOrWake();
    }

    /// <summary>
    /// Makes the loop take up queued proposals and read rounds now: on this thread when the raft
    /// thread is asleep and nobody else holds the turn, else by waking the raft thread.
    /// </summary>
    public void RunOrWake()
    {
        if (_idle && _turn.Wait(0))
        {
            // Whatever is queued while this thread holds the turn finds it taken and signals.
            IterateAndReleaseTurn();
            return;
        }
        Wake();
    }

    /// <summary>Runs <paramref name="work"/> in the loop between ready batches (only the turn's holder may write the backend).</summary>
    public Task RunOnApplyThread(Action work)
    {
        if (Stopped) throw EtcdErrors.Stopped();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _applyThreadWork.Enqueue((work, done));
        // The loop may have stopped since the check and already failed what was queued then;
        // nothing would ever run this item, so fail it here rather than leave its caller waiting.
        if (Stopped) FailQueuedWork();
        else Wake();
        return done.Task;
    }

    private void FailQueuedWork()
    {
        while (_applyThreadWork.TryDequeue(out var item)) item.Done.TrySetException(EtcdErrors.Stopped());
    }

    // Proposals, linearizable reads and queued work: nothing will answer them once the loop is stopped.
    private void FailEverythingWaiting()
    {
        _waiters.FailAll(EtcdErrors.Stopped());
        _reads.FailAll(EtcdErrors.Stopped());
        FailQueuedWork();
    }

    /// <summary>Wakes the loop so a waiting ReadIndex round starts now rather than at the next tick.</summary>
    public void Wake()
    {
        // Callers queue their work first; the loop clears the flag before it drains, so work queued
        // after that clearing always finds the flag clear and signals.
        if (Interlocked.Exchange(ref _signalled, 1) != 0) return;
        try { _signal.Set(); }
        catch (ObjectDisposedException) { } // stopping: the waiter fails with Stopped
    }

    private void Run()
    {
        _turn.Wait();
        try
        {
            _nextTick = Environment.TickCount64 + (long)_heartbeat.TotalMilliseconds;
            // A lone voter need not wait out an election timeout to lead.
            if (_node.Tracker.IsSingleton && _node.Tracker.IsVoter(_node.Id))
                _node.Campaign();
        }
        finally
        {
            _turn.Release();
        }
        while (!Stopped)
        {
            var wait = Math.Max(0, Volatile.Read(ref _nextTick) - Environment.TickCount64);
            _idle = true;
            _signal.WaitOne(TimeSpan.FromMilliseconds(wait));
            _idle = false;
            _turn.Wait();
            IterateAndReleaseTurn();
        }
    }

    // The caller has just taken the turn.
    private void IterateAndReleaseTurn()
    {
        try
        {
            if (!Stopped) Iterate();
        }
        finally
        {
            _turn.Release();
        }
    }

    // One turn of the loop; the caller holds the turn. A failure here stops the member: its
    // state may be half-applied, so every waiting request fails rather than wait forever.
    private void Iterate()
    {
        Interlocked.Exchange(ref _signalled, 0);
        try
        {
            if (Environment.TickCount64 >= _nextTick)
            {
                _node.Tick();
                _machine.Tick(_node.State == StateType.Leader);
                Volatile.Write(ref _nextTick, Environment.TickCount64 + (long)_heartbeat.TotalMilliseconds);
            }
            DrainProposals();
            StartReadRound();
            while (_node.HasReady())
                HandleReady();
            _machine.EndBatch(_applied);
            _waiters.RunHeldCompletion();
            RunQueuedWork();
            PublishStatus();
        }
        catch (Exception e)
        {
            _fatal = e;
            _logger.Fatal("raft loop stopped", ("error", e.ToString()));
            FailEverythingWaiting();
            Wake(); // the raft thread sees the failure and ends
        }
    }

    private void RunQueuedWork()
    {
        while (_applyThreadWork.TryDequeue(out var item))
        {
            try
            {
                item.Work();
                item.Done.TrySetResult();
            }
            catch (Exception e)
            {
                item.Done.TrySetException(e);
            }
        }
    }

    private void DrainProposals()
    {
        while (_proposals.TryDequeue(out var p))
        {
            if (_node.Lead == RaftNode.None)
            {
                _waiters.Fail(p.Id, EtcdErrors.NoLeader());
                continue;
            }
            if (_node.Propose(p.Data) == StepResult.Dropped)
                _waiters.Fail(p.Id, EtcdErrors.NoLeader());
        }
    }

    private void StartReadRound()
    {
        if (!_reads.TryStartRound(out var round)) return;
        if (_node.Lead == RaftNode.None)
        {
            _reads.FailInFlight(EtcdErrors.NoLeader());
            return;
        }
        var ctx = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(ctx, round);
        if (_node.ReadIndex(ctx) == StepResult.Dropped)
            _reads.FailInFlight(EtcdErrors.NoLeader());
    }

    private void HandleReady()
    {
        var rd = _node.GetReady();
        if (rd.SoftState is { } soft)
            LeaderChanged?.Invoke(soft.Lead);
        if (rd.Snapshot is not null)
            throw new InvalidOperationException("a single member never receives a snapshot");
        _log.Persist(rd);

        foreach (ref readonly var e in rd.CommittedEntries.Span)
        {
            if (e.Index <= _applied) continue;
            switch (e.Type)
            {
                case FastKv.Raft.EntryType.Normal:
                    if (!e.Data.IsEmpty && e.Index > _machine.DurableIndex)
                        _machine.Apply(e.Index, e.Term, e.Data);
                    break;
                default:
                    _node.ApplyConfChange(ConfChangeCodec.Decode(e));
                    break;
            }
            _applied = e.Index;
        }

        foreach (var rs in rd.ReadStates)
        {
            var round = BinaryPrimitives.ReadUInt64BigEndian(rs.RequestContext.Span);
            _reads.Confirmed(round, rs.Index, _applied);
        }
        _node.Advance();
        _reads.Applied(_applied);
        MaybeSnapshot();
    }

    private void MaybeSnapshot()
    {
        if (_snapshotCount == 0 || _applied - _lastSnapshotIndex <= _snapshotCount) return;
        _machine.Flush();
        _log.Snapshot(_applied, _node.Tracker.Config.ToConfState(), _maxSnapshots, _maxWals, catchUpEntries: 5000);
        _logger.Info("saved snapshot", ("snapshot-index", _applied));
        _lastSnapshotIndex = _applied;
    }

    private void PublishStatus() =>
        _status = new RaftStatus(_node.Lead, _node.Term, _node.LastIndex, _node.Committed, _applied);

    /// <summary>The exception that stopped the loop, if any.</summary>
    public Exception? Fatal => _fatal;

    public void Dispose()
    {
        if (_stopping) return;
        _stopping = true;
        _signal.Set();
        if (_thread.IsAlive) _thread.Join();
        // A request may still be running an iteration of its own.
        _turn.Wait();
        _signal.Dispose();
        _machine.Flush();
        FailEverythingWaiting();
    }
}

// A simulated cluster under a seeded storm: virtual time advances one tick per step; each step may
// crash or restart nodes, partition or heal the network, propose entries, request reads, change
// membership, transfer leadership and compact logs; messages are delivered through SimNetwork and
// ready batches persisted (sometimes slowly, so a crash loses them). Invariants run after every step,
// then the faults heal and a new proposal must commit everywhere within bounded virtual time.
namespace FastKv.Raft.Tests.Simulation;

public sealed partial class Cluster
{
    public const int LivenessBudgetTicks = 100 * SimOptions.ElectionTick;

    public readonly ulong Seed;
    public readonly SimOptions Options;
    private readonly SimRandom _r;
    private readonly SimNetwork _net;
    public readonly SimLogger Log;
    private readonly SortedDictionary<ulong, SimNode> _nodes = new();
    public readonly InvariantChecker Invariants = new();
    private readonly Dictionary<ulong, (ulong Node, ulong MinIndex)> _pendingReads = new();
    // Index at which each removed member's removal was applied (ids are never reused).
    private readonly Dictionary<ulong, ulong> _removedAt = new();
    private long _now;
    private ulong _nextPayload = 1;
    private bool _chaos = true;

    public long Now => _now;
    public int ReadsServed { get; private set; }
    public int Elections { get; private set; }
    public int ConfChangesApplied { get; private set; }
    public int SnapshotsRestored { get; private set; }
    public int Crashes { get; private set; }

    public Cluster(ulong seed, SimOptions options, bool echo = false)
    {
        Seed = seed;
        Options = options;
        _r = new SimRandom(seed);
        _net = new SimNetwork(_r) { DropRate = options.DropRate, DuplicateRate = options.DuplicateRate, MaxDelay = options.MaxDelay };
        Log = new SimLogger(echo ? 0 : 80) { Echo = echo, Clock = () => _now };

        var voters = Enumerable.Range(1, options.Voters).Select(i => (ulong)i).ToArray();
        var learners = Enumerable.Range(options.Voters + 1, options.Learners).Select(i => (ulong)i).ToArray();
        var cs = new ConfState { Voters = voters, Learners = learners };
        var boot = new SimStateMachine { Applied = 1, Hash = 0, ConfState = cs };
        Invariants.Bootstrap(1, 1, 0);
        foreach (var id in voters.Concat(learners))
        {
            var n = new SimNode(id);
            // Founding members start from a bootstrap snapshot at index 1 carrying the initial membership.
            n.Storage.Mem.ApplySnapshot(new Snapshot(1, 1, cs, boot.Encode()));
            n.Storage.Mem.SetHardState(new HardState(1, 0, 1));
            n.Start(options, seed, Log);
            _nodes[id] = n;
        }
    }

    public IReadOnlyCollection<SimNode> Nodes => _nodes.Values;

    public void Run()
    {
        for (int i = 0; i < Options.Steps; i++) Step();
        Heal();
        CheckLiveness();
    }

    private void Step()
    {
        _now++;
        if (_chaos) InjectFaults();
        foreach (var n in _nodes.Values) n.Raft?.Tick();
        for (int round = 0; round < 3; round++)
        {
            Deliver();
            foreach (var n in _nodes.Values) ProcessReady(n);
        }
        CheckInvariants();
    }

    private void InjectFaults()
    {
        var o = Options;
        if (_r.Chance(o.CrashRate))
        {
            var up = _nodes.Values.Where(n => n.Up).ToList();
            if (up.Count > 0)
            {
                var victim = _r.Pick(up);
                Log.Info($"SIM crash {victim.Id}" + (victim.Pending is null ? "" : " (losing an unpersisted ready batch)"));
                victim.Crash();
                Crashes++;
            }
        }
        foreach (var n in _nodes.Values)
        {
            if (!n.Up && _r.Chance(0.03)) Restart(n);
        }
        if (_r.Chance(o.PartitionRate)) Partition();
        if (_net.HasPartitions && _r.Chance(0.01)) { Log.Info("SIM heal network"); _net.HealAll(); }
        if (_r.Chance(o.ProposeRate)) ProposeBatch();
        if (_r.Chance(o.ReadRate)) RequestRead();
        if (_r.Chance(o.ConfChangeRate)) ChangeMembership();
        if (_r.Chance(o.TransferRate)) TransferLeader();
        if (_r.Chance(o.SnapshotRate))
        {
            var up = _nodes.Values.Where(n => n.Up).ToList();
            if (up.Count > 0)
            {
                var n = _r.Pick(up);
                n.Storage.Compact(n.Sm, (ulong)_r.Next(0, 30));
            }
        }
        MaybeLeaveJointExplicitly();
    }

    private void Restart(SimNode n)
    {
        Log.Info($"SIM restart {n.Id}");
        n.Start(Options, Seed, Log);
    }

    private void Partition()
    {
        var ids = _nodes.Keys.ToList();
        if (ids.Count < 2) return;
        if (_r.Chance(0.5))
        {
            // Symmetric split into two sides.
            var side = ids.Where(_ => _r.Chance(0.5)).ToHashSet();
            foreach (var a in ids)
                foreach (var b in ids)
                    if (side.Contains(a) != side.Contains(b)) _net.Block(a, b);
            Log.Info($"SIM partition ({string.Join(",", side)}) | ({string.Join(",", ids.Except(side))})");
        }
        else
        {
            var a = _r.Pick(ids);
            var b = _r.Pick(ids);
            if (a == b) return;
            _net.Block(a, b);
            Log.Info($"SIM one-way block {a}->{b}");
        }
    }

    private void ProposeBatch()
    {
        var up = _nodes.Values.Where(n => n.Up).ToList();
        if (up.Count == 0) return;
        var n = _r.Pick(up);
        var batch = new Entry[_r.Next(1, 5)];
        for (int i = 0; i < batch.Length; i++)
        {
            batch[i] = new Entry(BitConverter.GetBytes(_nextPayload++));
        }
        n.Raft!.Propose(batch);
    }

    private void RequestRead()
    {
        var up = _nodes.Values.Where(n => n.Up).ToList();
        if (up.Count == 0) return;
        var n = _r.Pick(up);
        var ctx = _nextPayload++;
        // Anything committed before the request must be visible at the returned read index.
        _pendingReads[ctx] = (n.Id, Invariants.MaxCommitted);
        n.Raft!.ReadIndex(BitConverter.GetBytes(ctx));
    }

    private SimNode? Leader()
    {
        SimNode? best = null;
        foreach (var n in _nodes.Values)
        {
            if (n.Raft is { State: StateType.Leader } r && (best is null || r.Term > best.Raft!.Term)) best = n;
        }
        return best;
    }

    private void TransferLeader()
    {
        var l = Leader();
        if (l is null) return;
        var voters = l.Raft!.Tracker.Config.Voters.Incoming.Ids.ToArray().Where(id => id != l.Id).ToList();
        if (voters.Count == 0) return;
        var target = _r.Pick(voters);
        Log.Info($"SIM transfer leadership {l.Id} -> {target}");
        l.Raft.TransferLeadership(target);
    }

    private void Deliver()
    {
        foreach (var m in _net.TakeDue(_now))
        {
            if (!_nodes.TryGetValue(m.To, out var to) || !to.Up || _net.IsBlocked(m.From, m.To))
            {
                var sender = _nodes.GetValueOrDefault(m.From)?.Raft;
                if (m.Type == MessageType.MsgSnap) sender?.ReportSnapshot(m.To, failed: true);
                else sender?.ReportUnreachable(m.To);
                continue;
            }
            if (_removedAt.TryGetValue(m.From, out var removedAt) && to.Sm.Applied >= removedAt)
            {
                // Like etcd's peer transport: messages from a member this node knows was removed are refused.
                // (etcd also stops the removed member; here it keeps running, inert, since it may still be
                // needed as a voter by a node that has not applied its removal yet.)
                continue;
            }
            to.Raft!.Step(m);
            if (m.Type == MessageType.MsgSnap) _nodes.GetValueOrDefault(m.From)?.Raft?.ReportSnapshot(m.To, failed: false);
        }
    }

    private void SendAll(SimNode from, List<Message> msgs)
    {
        foreach (var m in msgs)
        {
            if (_net.Send(m, _now)) continue;
            // Lost: a transport would notice and report it.
            if (m.Type == MessageType.MsgSnap) from.Raft?.ReportSnapshot(m.To, failed: true);
            else from.Raft?.ReportUnreachable(m.To);
        }
    }

    private void ProcessReady(SimNode n)
    {
        if (n.Raft is null) return;
        if (n.Pending is not null)
        {
            if (_now >= n.PersistAt) FinishReady(n);
            return;
        }
        if (!n.Raft.HasReady()) return;
        var rd = n.Raft.GetReady();
        if (rd.Entries.Length > 0)
        {
            var first = rd.Entries.Span[0].Index;
            Invariants.CheckAppend(n.Id, rd.Entries.Span, first <= 1 ? 0 : n.Raft.TermAt(first - 1));
        }
        // Leader messages go out before our own persistence completes (thesis §10.2.1).
        SendAll(n, rd.Messages);
        if (_chaos && _r.Chance(Options.SlowPersistRate))
        {
            n.Pending = rd;
            n.PersistAt = _now + _r.Next(1, 4);
            return;
        }
        n.Pending = rd;
        FinishReady(n);
    }

    private void FinishReady(SimNode n)
    {
        var rd = n.Pending!;
        var raft = n.Raft!;
        if (rd.Snapshot is { } snap)
        {
            n.Storage.Mem.ApplySnapshot(snap);
            n.Sm.Restore(snap);
            Invariants.CheckSnapshotRestore(n.Id, snap, n.Sm);
            SnapshotsRestored++;
        }
        n.Storage.Mem.Append(rd.Entries.Span);
        if (rd.HardState is { } hs) n.Storage.Mem.SetHardState(hs);
        SendAll(n, rd.MessagesAfterPersist);
        foreach (ref readonly var e in rd.CommittedEntries.Span)
        {
            if (e.Index <= n.Sm.Applied) continue;
            if (e.Type == EntryType.Normal)
            {
                Invariants.CheckApply(n.Id, n.Sm, e);
            }
            else
            {
                // Raft may ask storage for a snapshot from inside ApplyConfChange; the application state
                // must then still be consistent (everything before this entry applied), so the entry
                // is recorded as applied only afterwards.
                var cc = ConfChangeCodec.Decode(e);
                var before = n.Sm.ConfState;
                var cs = raft.ApplyConfChange(cc);
                Invariants.CheckApply(n.Id, n.Sm, e);
                n.Sm.ConfState = cs;
                foreach (var id in before.Voters.Concat(before.VotersOutgoing).Concat(before.Learners))
                {
                    // Every node's log is the same, so the removal happens at the same index everywhere;
                    // a node knows of it once it has applied that far (by entries or by a snapshot).
                    if (!n.Sm.ConfState.Contains(id)) _removedAt.TryAdd(id, e.Index);
                }
                ConfChangesApplied++;
            }
        }
        foreach (var rs in rd.ReadStates)
        {
            var ctx = BitConverter.ToUInt64(rs.RequestContext.Span);
            if (_pendingReads.Remove(ctx, out var req))
            {
                if (req.Node != n.Id) throw new SimulationFailure($"read {ctx} requested at node {req.Node} answered at node {n.Id}");
                if (Options.ReadOnly == ReadOnlyOption.Safe && rs.Index < req.MinIndex)
                    throw new SimulationFailure($"linearizability violated: read {ctx} at node {n.Id} got index {rs.Index} but {req.MinIndex} was committed before it was issued");
                ReadsServed++;
            }
        }
        n.Pending = null;
        raft.Advance();
    }

    private void CheckInvariants()
    {
        foreach (var n in _nodes.Values)
        {
            if (n.Raft is null) continue;
            Invariants.CheckNode(n.Id, n.Raft);
            Invariants.CheckCommittedRetained(n.Id, n.Raft);
            if (n.Sm.Applied > n.Raft.Committed)
                throw new SimulationFailure($"node {n.Id} applied {n.Sm.Applied} beyond its commit index {n.Raft.Committed}");
        }
    }

    private void Heal()
    {
        _chaos = false;
        _net.HealAll();
        _net.DropRate = 0;
        _net.DuplicateRate = 0;
        Log.Info("SIM heal everything");
        foreach (var n in _nodes.Values)
        {
            if (!n.Up) Restart(n);
        }
    }

    // After healing, a leader must emerge and a new proposal must be applied by every member.
    private void CheckLiveness()
    {
        ulong marker = 0;
        long start = _now;
        while (_now - start < LivenessBudgetTicks)
        {
            var l = Leader();
            if (l is not null && (marker == 0 || (_now - start) % (4 * SimOptions.ElectionTick) == 0))
            {
                marker = _nextPayload++;
                l.Raft!.Propose(BitConverter.GetBytes(marker));
            }
            Step();
            if (marker != 0 && AllMembersApplied(marker)) return;
        }
        throw new SimulationFailure($"liveness: no new proposal committed on all members within {LivenessBudgetTicks} ticks after healing (leader: {Leader()?.Id.ToString() ?? "none"})\n{Describe()}");
    }

    private bool AllMembersApplied(ulong marker)
    {
        var l = Leader();
        if (l is null) return false;
        var members = l.Raft!.Tracker.Progress.Keys;
        foreach (var id in members)
        {
            var n = _nodes[id];
            if (n.Raft is null || n.Sm.Applied < (ulong)Invariants.AppliedCount) return false;
        }
        // The marker (or a later one) is applied somewhere only if it committed; the check above
        // ensures every member caught up to everything applied anywhere.
        return Invariants.AppliedCount > 0 && Invariants.LastAppliedKeyAtLeast(marker);
    }

    public string Describe()
    {
        var lines = new List<string>();
        foreach (var n in _nodes.Values)
        {
            if (n.Raft is not { } r) { lines.Add($"  node {n.Id}: down"); continue; }
            lines.Add($"  node {n.Id}: {r.State} term={r.Term} lead={r.Lead} commit={r.Committed} applied={n.Sm.Applied} last={r.LastIndex} first={r.FirstIndex} cfg={r.Tracker.Config}" +
                      (r.State == StateType.Leader ? " progress: " + string.Join("; ", r.Tracker.Progress.OrderBy(p => p.Key).Select(p => $"{p.Key}:{p.Value}")) : ""));
        }
        return string.Join("\n", lines);
    }
}

// A small in-process cluster for behaviour tests: each node has MemoryStorage, ready batches are
// persisted and applied synchronously, and messages are delivered until the cluster is quiet.
// Tests can cut links, hold messages back, or drive individual nodes step by step.
namespace FastKv.Raft.Tests.Behaviour;

public sealed class ListLogger : IRaftLogger
{
    public readonly List<string> Lines = new();
    public void Info(string message) => Lines.Add(message);
    public void Warn(string message) => Lines.Add(message);
    public bool Saw(string phrase) => Lines.Any(l => l.Contains(phrase, StringComparison.Ordinal));
}

public sealed class TestCluster
{
    public readonly Dictionary<ulong, RaftNode> Nodes = new();
    public readonly Dictionary<ulong, MemoryStorage> Storages = new();
    public readonly Dictionary<ulong, List<Entry>> Applied = new();
    public readonly Dictionary<ulong, List<ReadState>> Reads = new();
    public readonly ListLogger Log = new();
    private readonly HashSet<(ulong From, ulong To)> _cut = new();
    // Return false to drop a message.
    public Func<Message, bool>? Filter;
    public readonly List<Message> Delivered = new();
    private readonly Func<ulong, RaftConfig> _config;

    public TestCluster(int voters, int learners = 0, bool preVote = false, bool checkQuorum = false,
        ReadOnlyOption readOnly = ReadOnlyOption.Safe, Func<RaftConfig, RaftConfig>? tweak = null)
    {
        var vs = Enumerable.Range(1, voters).Select(i => (ulong)i).ToArray();
        var ls = Enumerable.Range(voters + 1, learners).Select(i => (ulong)i).ToArray();
        _config = id =>
        {
            var c = new RaftConfig
            {
                Id = id, ElectionTick = 10, HeartbeatTick = 1, PreVote = preVote, CheckQuorum = checkQuorum,
                ReadOnlyOption = readOnly, RandomSeed = 1234, Logger = Log, MaxInflightMsgs = 256,
            };
            return tweak is null ? c : tweak(c);
        };
        var cs = new ConfState { Voters = vs, Learners = ls };
        foreach (var id in vs.Concat(ls))
        {
            var st = new MemoryStorage();
            st.ApplySnapshot(new Snapshot(1, 1, cs, ReadOnlyMemory<byte>.Empty));
            st.SetHardState(new HardState(1, 0, 1));
            Storages[id] = st;
            var nid = id;
            Nodes[id] = new RaftNode(_config(id), new OnDemandSnapshotStorage(st, () => Nodes.GetValueOrDefault(nid)));
            Applied[id] = new();
            Reads[id] = new();
        }
    }

    public RaftNode this[ulong id] => Nodes[id];

    public void Cut(ulong a, ulong b) { _cut.Add((a, b)); _cut.Add((b, a)); }

    public void CutOneWay(ulong from, ulong to) => _cut.Add((from, to));

    public void Isolate(ulong id)
    {
        foreach (var other in Nodes.Keys) if (other != id) Cut(id, other);
    }

    public void Heal() => _cut.Clear();

    // Adds a brand-new node with empty storage (it will learn everything from the leader).
    public RaftNode AddEmptyNode(ulong id)
    {
        var st = new MemoryStorage();
        Storages[id] = st;
        Nodes[id] = new RaftNode(_config(id), new OnDemandSnapshotStorage(st, () => Nodes.GetValueOrDefault(id)));
        Applied[id] = new();
        Reads[id] = new();
        return Nodes[id];
    }

    // Handles one ready batch of one node; returns the messages it produced.
    public List<Message> Process(ulong id)
    {
        var n = Nodes[id];
        var outgoing = new List<Message>();
        if (!n.HasReady()) return outgoing;
        var rd = n.GetReady();
        foreach (var m in rd.Messages) outgoing.Add(Copy(m));
        var st = Storages[id];
        if (rd.Snapshot is not null) st.ApplySnapshot(rd.Snapshot);
        st.Append(rd.Entries.Span);
        if (rd.HardState is { } hs) st.SetHardState(hs);
        foreach (var m in rd.MessagesAfterPersist) outgoing.Add(Copy(m));
        foreach (var e in rd.CommittedEntries.Span)
        {
            Applied[id].Add(e);
            if (e.Type != EntryType.Normal) n.ApplyConfChange(ConfChangeCodec.Decode(e));
        }
        Reads[id].AddRange(rd.ReadStates);
        n.Advance();
        return outgoing;
    }

    private static Message Copy(Message m)
    {
        m.Entries = m.Entries.ToArray();
        return m;
    }

    public void Deliver(IEnumerable<Message> msgs)
    {
        foreach (var m in msgs)
        {
            if (_cut.Contains((m.From, m.To)) || !Nodes.ContainsKey(m.To)) continue;
            if (Filter is not null && !Filter(m)) continue;
            Delivered.Add(m);
            Nodes[m.To].Step(m);
            // As a transport does once a snapshot has been streamed.
            if (m.Type == MessageType.MsgSnap) Nodes[m.From].ReportSnapshot(m.To, failed: false);
        }
    }

    // Processes and delivers until no node has anything more to do.
    public void Stabilize(int maxRounds = 1000)
    {
        for (int round = 0; round < maxRounds; round++)
        {
            bool any = false;
            foreach (var id in Nodes.Keys.ToList())
            {
                var msgs = Process(id);
                if (msgs.Count > 0 || Nodes[id].HasReady()) any = true;
                Deliver(msgs);
            }
            if (!any && !Nodes.Values.Any(n => n.HasReady())) return;
        }
        throw new InvalidOperationException("cluster did not stabilize");
    }

    public void Elect(ulong id)
    {
        Nodes[id].Campaign();
        Stabilize();
    }

    public void Tick(ulong id, int n = 1)
    {
        for (int i = 0; i < n; i++) Nodes[id].Tick();
    }

    public void TickAll(int n = 1)
    {
        for (int i = 0; i < n; i++)
        {
            foreach (var node in Nodes.Values) node.Tick();
            Stabilize();
        }
    }

    // The application snapshots its applied state (with the membership as of now) and compacts the log.
    public ulong SnapshotAndCompact(ulong id)
    {
        var n = Nodes[id];
        var applied = n.Applied;
        Storages[id].CreateSnapshot(applied, n.Tracker.Config.ToConfState(), new byte[] { 1 });
        Storages[id].Compact(applied);
        return applied;
    }

    public IEnumerable<byte[]> AppliedData(ulong id) =>
        Applied[id].Where(e => e.Type == EntryType.Normal && e.Data.Length > 0).Select(e => e.Data.ToArray());
}

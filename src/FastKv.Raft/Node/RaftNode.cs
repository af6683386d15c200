// The Raft state machine of one node: state, construction from durable state, and the host-facing
// API (tick, step, propose, read, ready/advance). Role behaviour lives in the other RaftNode.*.cs parts.
namespace FastKv.Raft;

public sealed partial class RaftNode
{
    public const ulong None = 0;
    // Vote context that marks an election started by a leadership transfer: it overrides leases.
    internal static readonly byte[] CampaignTransfer = "CampaignTransfer"u8.ToArray();

    private readonly RaftConfig _cfg;
    private readonly IRaftLogger? _log;
    internal readonly RaftLog RaftLog;
    public readonly ProgressTracker Tracker;

    public ulong Id { get; }
    public ulong Term { get; private set; }
    public ulong Vote { get; private set; }
    public ulong Lead { get; private set; }
    public StateType State { get; private set; }
    public bool IsLearner { get; private set; }
    public ulong LeadTransferee { get; private set; }

    private readonly int _electionTimeout;
    private readonly int _heartbeatTimeout;
    private int _randomizedElectionTimeout;
    private int _electionElapsed;
    private int _heartbeatElapsed;
    private XorShiftRandom _rand;

    // Only one conf change may be pending (in the log, not yet applied); this is the index of the latest.
    private ulong _pendingConfIndex;
    private long _uncommittedSize;
    // Proposals are dropped until this index is applied (a change that may remove us is in flight).
    private ulong _blockProposalsUntil;
    private ReadOnlyQueue _readOnly;
    // ReadIndex requests that arrived before this leader committed an entry of its own term.
    private readonly List<Message> _pendingReadIndexMessages = new();

    // Outgoing work, double-buffered against the batch the host is handling.
    private List<Message> _msgs = new();
    private List<Message> _msgsAfterPersist = new();
    private List<ReadState> _readStates = new();
    private EntryArena _arena = new();
    private EntryArena _spareArena = new();
    private readonly Ready _ready = new();
    private bool _readyOutstanding;
    private HardState _prevHardState;
    private SoftState _prevSoftState;

    public RaftNode(RaftConfig config, IRaftStorage storage)
    {
        config.Validate();
        _cfg = config;
        _log = config.Logger;
        Id = config.Id;
        _electionTimeout = config.ElectionTick;
        _heartbeatTimeout = config.HeartbeatTick;
        _rand = new XorShiftRandom(config.RandomSeed * 0x9E3779B97F4A7C15UL ^ config.Id * 0xBF58476D1CE4E5B9UL);
        _readOnly = new ReadOnlyQueue(config.ReadOnlyOption);
        RaftLog = new RaftLog(storage);
        Tracker = new ProgressTracker(config.MaxInflightMsgs, config.MaxInflightBytes);

        var (hs, cs) = storage.InitialState();
        var (cfg, prs) = ConfChanger.Restore(Tracker, cs, RaftLog.LastIndex());
        SwitchToConfig(cfg, prs);
        if (!hs.IsEmpty)
        {
            if (hs.Commit < RaftLog.Committed || hs.Commit > RaftLog.LastIndex())
                throw new InvalidOperationException($"{Id} state.commit {hs.Commit} is out of range [{RaftLog.Committed}, {RaftLog.LastIndex()}]");
            RaftLog.Committed = hs.Commit;
            Term = hs.Term;
            Vote = hs.Vote;
        }
        if (config.Applied > 0) RaftLog.AppliedTo(Math.Min(config.Applied, RaftLog.Committed));
        BecomeFollower(Term, None);
        _prevHardState = CurrentHardState;
        _prevSoftState = CurrentSoftState;
        Info($"{Id:x} newRaft [peers: {Tracker.Config.Voters}, term: {Term}, commit: {RaftLog.Committed}, applied: {RaftLog.Applied}, lastindex: {RaftLog.LastIndex()}, lastterm: {RaftLog.LastTerm()}]");
    }

    public HardState CurrentHardState => new(Term, Vote, RaftLog.Committed);

    public SoftState CurrentSoftState => new(Lead, State);

    public ulong Committed => RaftLog.Committed;

    public ulong Applied => RaftLog.Applied;

    public ulong LastIndex => RaftLog.LastIndex();

    public ulong FirstIndex => RaftLog.FirstIndex();

    public ulong TermAt(ulong index) => RaftLog.TermOrZero(index);

    public long UncommittedSize => _uncommittedSize;

    // Advances logical time by one tick: followers count towards an election, leaders towards a heartbeat.
    public void Tick()
    {
        if (State == StateType.Leader) TickHeartbeat(); else TickElection();
    }

    public StepResult Campaign() => Step(new Message { Type = MessageType.MsgHup, From = Id });

    public StepResult Propose(ReadOnlyMemory<byte> data)
    {
        return Step(new Message { Type = MessageType.MsgProp, From = Id, Entries = new[] { new Entry(data) } });
    }

    // Proposes a batch; the entries are copied, so the caller may reuse its buffer at once.
    public StepResult Propose(ReadOnlyMemory<Entry> entries) =>
        Step(new Message { Type = MessageType.MsgProp, From = Id, Entries = entries });

    public StepResult ProposeConfChange(ConfChangeV2 cc) =>
        Step(new Message
        {
            Type = MessageType.MsgProp,
            From = Id,
            Entries = new[] { new Entry(0, 0, EntryType.ConfChangeV2, ConfChangeCodec.Encode(cc)) },
        });

    public StepResult ProposeConfChange(ConfChange cc) =>
        Step(new Message
        {
            Type = MessageType.MsgProp,
            From = Id,
            Entries = new[] { new Entry(0, 0, EntryType.ConfChange, ConfChangeCodec.Encode(cc)) },
        });

    // Requests a linearizable read point; the answer arrives as a ReadState carrying ctx.
    public StepResult ReadIndex(ReadOnlyMemory<byte> ctx) =>
        Step(new Message { Type = MessageType.MsgReadIndex, From = Id, Entries = new[] { new Entry(ctx) } });

    public StepResult TransferLeadership(ulong transferee) =>
        Step(new Message { Type = MessageType.MsgTransferLeader, From = transferee, To = Id });

    public void ReportUnreachable(ulong id) => Step(new Message { Type = MessageType.MsgUnreachable, From = id });

    public void ReportSnapshot(ulong id, bool failed) =>
        Step(new Message { Type = MessageType.MsgSnapStatus, From = id, Reject = failed });

    private void Info(string msg) => _log?.Info(msg);

    private void Warn(string msg) => _log?.Warn(msg);

    private bool Promotable() =>
        Tracker.Progress.TryGetValue(Id, out var pr) && !pr.IsLearner && RaftLog.Unstable.Snapshot is null;

    private void ResetRandomizedElectionTimeout() =>
        _randomizedElectionTimeout = _electionTimeout + _rand.Next(_electionTimeout);

    internal bool PastElectionTimeout() => _electionElapsed >= _randomizedElectionTimeout;

    internal int RandomizedElectionTimeout => _randomizedElectionTimeout;

    private static bool MustWaitForPersist(MessageType t) =>
        t is MessageType.MsgAppResp or MessageType.MsgVote or MessageType.MsgVoteResp;

    private void Send(Message m)
    {
        // A forwarded transfer request names the transferee in From; everything else is from us.
        if (m.Type != MessageType.MsgTransferLeader || m.From == None) m.From = Id;
        if (m.Type is MessageType.MsgVote or MessageType.MsgVoteResp or MessageType.MsgPreVote or MessageType.MsgPreVoteResp)
        {
            if (m.Term == 0) throw new InvalidOperationException($"term should be set when sending {m.Type}");
        }
        else
        {
            if (m.Term != 0) throw new InvalidOperationException($"term should not be set when sending {m.Type} (was {m.Term})");
            // Forwarded proposals and read requests are local messages to the leader: no term.
            if (m.Type != MessageType.MsgProp && m.Type != MessageType.MsgReadIndex) m.Term = Term;
        }
        if (MustWaitForPersist(m.Type)) _msgsAfterPersist.Add(m); else _msgs.Add(m);
    }
}

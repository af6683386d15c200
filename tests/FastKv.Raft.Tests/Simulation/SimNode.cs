// One simulated member: durable storage that survives crashes, and a volatile Raft node plus state
// machine that a crash throws away (including a ready batch whose persistence had not finished).
namespace FastKv.Raft.Tests.Simulation;

public sealed class SimNode
{
    public readonly ulong Id;
    public readonly SimStorage Storage = new();
    public RaftNode? Raft;
    public SimStateMachine Sm = new();
    public bool Up => Raft is not null;
    // A ready batch whose entries/hard state are being persisted; finished at PersistAt.
    public Ready? Pending;
    public long PersistAt;
    public int Restarts;

    public SimNode(ulong id)
    {
        Id = id;
        Storage.AppliedState = () => Raft is null ? null : Sm;
    }

    public void Crash()
    {
        Raft = null;
        Pending = null;
        Sm = new SimStateMachine();
    }

    public void Start(SimOptions o, ulong seed, IRaftLogger? logger)
    {
        var snap = Storage.Mem.Snapshot();
        Sm = new SimStateMachine();
        if (!snap.IsEmpty) Sm.Restore(snap);
        Raft = new RaftNode(new RaftConfig
        {
            Id = Id,
            ElectionTick = SimOptions.ElectionTick,
            HeartbeatTick = SimOptions.HeartbeatTick,
            Applied = Sm.Applied,
            CheckQuorum = o.CheckQuorum,
            PreVote = o.PreVote,
            ReadOnlyOption = o.ReadOnly,
            DisableProposalForwarding = o.DisableProposalForwarding,
            MaxUncommittedEntriesSize = o.MaxUncommittedSize,
            MaxInflightMsgs = o.MaxInflight,
            MaxSizePerMsg = o.MaxSizePerMsg,
            MaxCommittedSizePerReady = 8192,
            RandomSeed = seed + (ulong)Restarts * 7919,
            Logger = logger,
        }, Storage);
        Restarts++;
    }
}

// The parameters of one Raft node, with etcd's defaults where etcd has them.
namespace FastKv.Raft;

public sealed record RaftConfig
{
    public required ulong Id { get; init; }
    // Ticks without hearing from a leader before a follower campaigns (randomized in [E, 2E)).
    public int ElectionTick { get; init; } = 10;
    // Ticks between leader heartbeats.
    public int HeartbeatTick { get; init; } = 1;
    // The index the application has already applied (on restart); entries at or below it are not re-delivered.
    public ulong Applied { get; init; }
    // Upper bound on the entry bytes of one MsgApp.
    public long MaxSizePerMsg { get; init; } = 1024 * 1024;
    // Upper bound on the committed entry bytes handed out in one ready batch.
    public long MaxCommittedSizePerReady { get; init; } = 64L * 1024 * 1024;
    // Cap on payload bytes the leader holds uncommitted; 0 means no cap.
    public long MaxUncommittedEntriesSize { get; init; }
    // In-flight MsgApp window per follower.
    public int MaxInflightMsgs { get; init; } = 256;
    // In-flight byte budget per follower; 0 means only the message count limits.
    public long MaxInflightBytes { get; init; }
    public bool CheckQuorum { get; init; }
    public bool PreVote { get; init; }
    public ReadOnlyOption ReadOnlyOption { get; init; } = ReadOnlyOption.Safe;
    // When set, followers drop proposals instead of forwarding them to the leader.
    public bool DisableProposalForwarding { get; init; }
    // Seed of the election-timeout randomness, so a simulation is reproducible.
    public ulong RandomSeed { get; init; }
    public IRaftLogger? Logger { get; init; }

    internal void Validate()
    {
        if (Id == 0) throw new ArgumentException("cannot use none as id");
        if (HeartbeatTick <= 0) throw new ArgumentException("heartbeat tick must be greater than 0");
        if (ElectionTick <= HeartbeatTick) throw new ArgumentException("election tick must be greater than heartbeat tick");
        if (MaxInflightMsgs <= 0) throw new ArgumentException("max inflight messages must be greater than 0");
        if (ReadOnlyOption == ReadOnlyOption.LeaseBased && !CheckQuorum)
            throw new ArgumentException("CheckQuorum must be enabled when ReadOnlyOption is LeaseBased");
    }
}

// The shape of one simulated run, drawn from its seed: cluster size, Raft options, fault rates.
namespace FastKv.Raft.Tests.Simulation;

public sealed class SimOptions
{
    public int Voters { get; init; } = 3;
    public int Learners { get; init; }
    public int MaxNodes { get; init; } = 7;
    public int Steps { get; init; } = 2000;
    public bool PreVote { get; init; }
    public bool CheckQuorum { get; init; }
    public ReadOnlyOption ReadOnly { get; init; }
    public bool DisableProposalForwarding { get; init; }
    public long MaxUncommittedSize { get; init; }
    public int MaxInflight { get; init; } = 8;
    public long MaxSizePerMsg { get; init; } = 4096;
    public double DropRate { get; init; }
    public double DuplicateRate { get; init; }
    public int MaxDelay { get; init; }
    public double CrashRate { get; init; }
    public double PartitionRate { get; init; }
    public double ConfChangeRate { get; init; }
    public double TransferRate { get; init; }
    public double ProposeRate { get; init; }
    public double ReadRate { get; init; }
    public double SnapshotRate { get; init; }
    public double SlowPersistRate { get; init; }
    public const int ElectionTick = 10;
    public const int HeartbeatTick = 1;

    public static SimOptions FromSeed(ulong seed, int steps)
    {
        var r = new SimRandom(seed ^ 0x5EED5EED5EEDUL);
        int voters = r.Next(1, 6);
        int learners = r.Chance(0.3) ? r.Next(1, 3) : 0;
        bool checkQuorum = r.Chance(0.6);
        // A quarter of the runs are a churn storm: leaders crash and get cut off often, which is what
        // exposes commit-rule and election-restriction mistakes (Figure 3.7-like histories).
        bool churn = r.Chance(0.25);
        return new SimOptions
        {
            Voters = voters,
            Learners = Math.Min(learners, 7 - voters),
            Steps = steps,
            PreVote = r.Chance(0.6),
            CheckQuorum = checkQuorum,
            ReadOnly = checkQuorum && r.Chance(0.3) ? ReadOnlyOption.LeaseBased : ReadOnlyOption.Safe,
            DisableProposalForwarding = r.Chance(0.15),
            MaxUncommittedSize = r.Chance(0.2) ? r.Next(64, 2048) : 0,
            MaxInflight = r.Next(2, 16),
            MaxSizePerMsg = r.Chance(0.5) ? r.Next(256, 2048) : 1 << 20,
            DropRate = r.Chance(0.2) ? 0 : r.NextDouble() * 0.15,
            DuplicateRate = r.NextDouble() * 0.05,
            MaxDelay = r.Next(0, 5),
            CrashRate = churn ? 0.02 + r.NextDouble() * 0.04 : r.NextDouble() * 0.01,
            PartitionRate = churn ? 0.02 + r.NextDouble() * 0.04 : r.NextDouble() * 0.01,
            ConfChangeRate = r.NextDouble() * 0.02,
            TransferRate = r.NextDouble() * 0.01,
            ProposeRate = 0.2 + r.NextDouble() * 0.8,
            ReadRate = r.NextDouble() * 0.2,
            SnapshotRate = r.NextDouble() * 0.02,
            SlowPersistRate = r.NextDouble() * 0.3,
        };
    }

    public override string ToString() =>
        $"voters={Voters} learners={Learners} steps={Steps} prevote={PreVote} checkquorum={CheckQuorum} readonly={ReadOnly} noforward={DisableProposalForwarding} " +
        $"uncommittedcap={MaxUncommittedSize} inflight={MaxInflight} maxmsg={MaxSizePerMsg} drop={DropRate:F3} dup={DuplicateRate:F3} delay={MaxDelay} " +
        $"crash={CrashRate:F4} partition={PartitionRate:F4} confchange={ConfChangeRate:F4} transfer={TransferRate:F4} slowpersist={SlowPersistRate:F2}";
}

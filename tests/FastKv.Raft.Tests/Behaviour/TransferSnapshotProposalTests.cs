// Leadership transfer (thesis §3.10), snapshots and log compaction (§5), and proposal handling:
// forwarding, dropping, and the uncommitted-bytes cap.
namespace FastKv.Raft.Tests.Behaviour;

public sealed class TransferSnapshotProposalTests
{
    [Fact]
    public void TransferToUpToDateFollowerMakesItLeaderAtOnce()
    {
        var c = new TestCluster(3, preVote: true, checkQuorum: true);
        c.Elect(1);
        c[1].TransferLeadership(2);
        c.Stabilize();
        Assert.Equal(StateType.Leader, c[2].State);
        Assert.Equal(StateType.Follower, c[1].State);
        Assert.Contains(c.Delivered, m => m.Type == MessageType.MsgTimeoutNow && m.To == 2);
    }

    [Fact]
    public void TransferToLaggingFollowerFirstCatchesItUp()
    {
        var c = new TestCluster(3);
        c.Elect(1);
        c.Cut(1, 3);
        for (int i = 0; i < 5; i++) c[1].Propose(new byte[] { (byte)i });
        c.Stabilize();
        c.Heal();
        c.Filter = m => m.Type != MessageType.MsgHeartbeat; // only the transfer can catch 3 up
        c[1].TransferLeadership(3);
        c.Stabilize();
        Assert.Equal(StateType.Leader, c[3].State);
        Assert.Equal(5, c.AppliedData(3).Count());
    }

    [Fact]
    public void ProposalsAreDroppedWhileTransferIsInProgress()
    {
        var c = new TestCluster(3);
        c.Elect(1);
        c.Isolate(3);
        c[1].TransferLeadership(3);
        Assert.Equal(StepResult.Dropped, c[1].Propose(new byte[] { 1 }));
    }

    [Fact]
    public void TransferIsAbortedAfterAnElectionTimeout()
    {
        var c = new TestCluster(3);
        c.Elect(1);
        c.Isolate(3);
        c[1].TransferLeadership(3);
        Assert.Equal(3UL, c[1].LeadTransferee);
        for (int i = 0; i < 10; i++) c[1].Tick();
        Assert.Equal(0UL, c[1].LeadTransferee);
        Assert.Equal(StepResult.Ok, c[1].Propose(new byte[] { 1 }));
    }

    [Fact]
    public void TransferToLearnerIsIgnored()
    {
        var c = new TestCluster(2, learners: 1);
        c.Elect(1);
        c[1].TransferLeadership(3);
        Assert.Equal(0UL, c[1].LeadTransferee);
    }

    [Fact]
    public void FollowerBehindCompactedLogReceivesSnapshot()
    {
        var c = new TestCluster(3);
        c.Elect(1);
        c.Isolate(3);
        for (int i = 0; i < 30; i++) c[1].Propose(new byte[] { (byte)i });
        c.Stabilize();
        // The application snapshots at its applied index and compacts the log.
        var st = c.Storages[1];
        var applied = c[1].Applied;
        st.CreateSnapshot(applied, new ConfState { Voters = [1, 2, 3] }, new byte[] { 0xAB });
        st.Compact(applied);
        c.Heal();
        c.TickAll(3);
        Assert.Contains(c.Delivered, m => m.Type == MessageType.MsgSnap && m.To == 3);
        Assert.Equal(c[1].Committed, c[3].Committed);
        Assert.Equal(applied, c.Storages[3].Snapshot().Index);
        Assert.Equal(new byte[] { 0xAB }, c.Storages[3].Snapshot().Data.ToArray());
    }

    [Fact]
    public void RestoringSnapshotAdoptsItsMembership()
    {
        var st = new MemoryStorage();
        var n = new RaftNode(new RaftConfig { Id = 4 }, st);
        var snap = new Snapshot(10, 3, new ConfState { Voters = [1, 2, 3], Learners = [4] }, new byte[] { 1 });
        n.Step(new Message { Type = MessageType.MsgSnap, From = 1, To = 4, Term = 3, Snapshot = snap });
        Assert.Equal(10UL, n.Committed);
        Assert.True(n.IsLearner);
        var rd = n.GetReady();
        Assert.Same(snap, rd.Snapshot);
        Assert.Equal(10UL, rd.MessagesAfterPersist.Single(m => m.Type == MessageType.MsgAppResp).Index);
        st.ApplySnapshot(rd.Snapshot!);
        n.Advance();
        Assert.Equal(10UL, n.Applied);
    }

    [Fact]
    public void SnapshotNotContainingTheNodeIsIgnored()
    {
        var n = new RaftNode(new RaftConfig { Id = 9 }, new MemoryStorage());
        var snap = new Snapshot(10, 3, new ConfState { Voters = [1, 2, 3] }, default);
        n.Step(new Message { Type = MessageType.MsgSnap, From = 1, To = 9, Term = 3, Snapshot = snap });
        Assert.Equal(0UL, n.Committed);
    }

    [Fact]
    public void FollowerForwardsProposalsToLeader()
    {
        var c = new TestCluster(3);
        c.Elect(1);
        Assert.Equal(StepResult.Ok, c[2].Propose(new byte[] { 77 }));
        c.Stabilize();
        Assert.Contains(c.AppliedData(3), d => d[0] == 77);
    }

    [Fact]
    public void ProposalForwardingCanBeDisabled()
    {
        var c = new TestCluster(3, tweak: cfg => cfg with { DisableProposalForwarding = true });
        c.Elect(1);
        Assert.Equal(StepResult.Dropped, c[2].Propose(new byte[] { 77 }));
    }

    [Fact]
    public void ProposalWithoutLeaderIsDropped()
    {
        var c = new TestCluster(3);
        Assert.Equal(StepResult.Dropped, c[2].Propose(new byte[] { 1 }));
        c[2].Campaign();
        Assert.Equal(StepResult.Dropped, c[2].Propose(new byte[] { 1 })); // candidates have no leader either
    }

    [Fact]
    public void UncommittedBytesCapDropsProposalsUntilEntriesCommit()
    {
        var c = new TestCluster(3, tweak: cfg => cfg with { MaxUncommittedEntriesSize = 100 });
        c.Elect(1);
        c.Isolate(1);
        Assert.Equal(StepResult.Ok, c[1].Propose(new byte[60]));
        Assert.Equal(StepResult.Dropped, c[1].Propose(new byte[60]));
        Assert.True(c.Log.Saw("exceed uncommitted entry size limit"));
        c.Heal();
        c.TickAll(2);
        Assert.Equal(StepResult.Ok, c[1].Propose(new byte[60]));
    }

    [Fact]
    public void RestartedNodeRecoversFromDurableState()
    {
        var c = new TestCluster(3);
        c.Elect(1);
        for (int i = 0; i < 10; i++) c[1].Propose(new byte[] { (byte)i });
        c.Stabilize();
        var st = c.Storages[2];
        var restarted = new RaftNode(new RaftConfig { Id = 2, Applied = c[2].Applied }, st);
        Assert.Equal(c[2].Term, restarted.Term);
        Assert.Equal(c[2].Vote, restarted.Vote);
        Assert.Equal(c[2].Committed, restarted.Committed);
        Assert.Equal(c[2].LastIndex, restarted.LastIndex);
        Assert.False(restarted.HasReady() && restarted.GetReady().CommittedEntries.Length > 0);
    }
}

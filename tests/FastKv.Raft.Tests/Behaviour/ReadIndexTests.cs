// Linearizable reads without the log (thesis §6.4) and lease-based reads (§6.4.1).
namespace FastKv.Raft.Tests.Behaviour;

public sealed class ReadIndexTests
{
    private static byte[] Ctx(int i) => BitConverter.GetBytes((long)i);

    [Fact]
    public void SafeReadIsAnsweredOnlyAfterHeartbeatQuorumConfirmsLeadership()
    {
        var c = new TestCluster(3);
        c.Elect(1);
        c.Isolate(1);
        c[1].ReadIndex(Ctx(1));
        c.Stabilize();
        Assert.Empty(c.Reads[1]); // no quorum acknowledged: no answer
        c.Heal();
        c[1].Tick(); // heartbeat carries the pending read context
        c.Stabilize();
        var rs = Assert.Single(c.Reads[1]);
        Assert.Equal(c[1].Committed, rs.Index);
        Assert.Equal(Ctx(1), rs.RequestContext.ToArray());
    }

    [Fact]
    public void ReadIsHeldUntilLeaderCommitsAnEntryOfItsTerm()
    {
        var c = new TestCluster(3);
        c.Filter = m => !(m.Type == MessageType.MsgAppResp); // the new leader cannot commit its empty entry
        c.Elect(1);
        c[1].ReadIndex(Ctx(1));
        c[1].Tick();
        c.Stabilize();
        Assert.Empty(c.Reads[1]);
        c.Filter = null;
        c[1].Tick();
        c.Stabilize();
        c[1].Tick();
        c.Stabilize();
        var rs = Assert.Single(c.Reads[1]);
        Assert.Equal(c[1].Term, c[1].TermAt(rs.Index));
    }

    [Fact]
    public void FollowerForwardsReadIndexToLeaderAndGetsLeadersCommitIndex()
    {
        var c = new TestCluster(3);
        c.Elect(1);
        c[1].Propose(new byte[] { 1 });
        c.Stabilize();
        c[2].ReadIndex(Ctx(7));
        c.Stabilize();
        var rs = Assert.Single(c.Reads[2]);
        Assert.Equal(c[1].Committed, rs.Index);
        Assert.Equal(Ctx(7), rs.RequestContext.ToArray());
        Assert.Empty(c.Reads[1]);
    }

    [Fact]
    public void ReadRequestsAreBatchedIntoOneHeartbeatRound()
    {
        var c = new TestCluster(3);
        c.Elect(1);
        c.Filter = m => m.Type != MessageType.MsgHeartbeatResp;
        for (int i = 0; i < 5; i++) c[1].ReadIndex(Ctx(i));
        c.Stabilize();
        Assert.Empty(c.Reads[1]);
        c.Filter = null;
        c.Delivered.Clear();
        c[1].Step(new Message { Type = MessageType.MsgBeat, From = 1 }); // one round answers all five
        c.Stabilize();
        Assert.Equal(5, c.Reads[1].Count);
        Assert.Equal(2, c.Delivered.Count(m => m.Type == MessageType.MsgHeartbeat));
        Assert.Equal(Enumerable.Range(0, 5).Select(Ctx), c.Reads[1].Select(r => r.RequestContext.ToArray()));
    }

    [Fact]
    public void LeaseBasedReadIsAnsweredWithoutHeartbeatRound()
    {
        var c = new TestCluster(3, checkQuorum: true, readOnly: ReadOnlyOption.LeaseBased);
        c.Elect(1);
        c.Isolate(1);
        c[1].ReadIndex(Ctx(3));
        c.Stabilize();
        var rs = Assert.Single(c.Reads[1]);
        Assert.Equal(c[1].Committed, rs.Index);
    }

    [Fact]
    public void LeaseBasedReadsRequireCheckQuorum()
    {
        Assert.Throws<ArgumentException>(() => new RaftNode(new RaftConfig { Id = 1, ReadOnlyOption = ReadOnlyOption.LeaseBased }, new MemoryStorage()));
    }

    [Fact]
    public void ReadWithoutLeaderIsDropped()
    {
        var c = new TestCluster(3);
        Assert.Equal(StepResult.Dropped, c[2].ReadIndex(Ctx(1)));
    }

    [Fact]
    public void SingleVoterAnswersReadAtOnce()
    {
        var c = new TestCluster(1);
        c.Elect(1);
        c[1].ReadIndex(Ctx(1));
        c.Stabilize();
        Assert.Single(c.Reads[1]);
    }
}

// Flow control of replication (probe / replicate / snapshot states and the in-flight window) as
// the leader reacts to transport feedback.
namespace FastKv.Raft.Tests.Behaviour;

public sealed class FlowControlTests
{
    [Fact]
    public void UnreachableFollowerFallsBackFromReplicateToProbe()
    {
        var c = new TestCluster(3);
        c.Elect(1);
        var pr = c[1].Tracker.Progress[2];
        Assert.Equal(ProgressState.Replicate, pr.State);
        c[1].ReportUnreachable(2);
        Assert.Equal(ProgressState.Probe, pr.State);
        Assert.Equal(pr.Match + 1, pr.Next);
    }

    [Fact]
    public void InflightByteBudgetLimitsPipelining()
    {
        var c = new TestCluster(2, tweak: cfg => cfg with { MaxInflightBytes = 1000, MaxSizePerMsg = 300 });
        c.Elect(1);
        var batch = Enumerable.Range(0, 40).Select(_ => new Entry(new byte[100])).ToArray();
        c[1].Propose(batch);
        var rd = c[1].GetReady();
        var apps = rd.Messages.Where(m => m.Type == MessageType.MsgApp && m.To == 2).ToList();
        long bytes = apps.Sum(m => m.Entries.ToArray().Sum(e => (long)e.Data.Length));
        Assert.True(bytes < 4000, $"{bytes} payload bytes in flight");
        Assert.True(bytes >= 1000);
        Assert.True(c[1].Tracker.Progress[2].IsPaused);
        c[1].Advance();
    }

    [Fact]
    public void FailedSnapshotReturnsFollowerToProbe()
    {
        var c = new TestCluster(3);
        c.Elect(1);
        c.Isolate(3);
        for (int i = 0; i < 10; i++) c[1].Propose(new byte[] { 1 });
        c.Stabilize();
        c.SnapshotAndCompact(1);
        c.Heal();
        c.Filter = m => m.Type != MessageType.MsgSnap; // the snapshot is lost in transit
        c.TickAll(2);
        var pr = c[1].Tracker.Progress[3];
        Assert.Equal(ProgressState.Snapshot, pr.State);
        c[1].ReportSnapshot(3, failed: true);
        Assert.Equal(ProgressState.Probe, pr.State);
        Assert.Equal(0UL, pr.PendingSnapshot);
        c.Filter = null;
        c.TickAll(3);
        Assert.Equal(c[1].Committed, c[3].Committed);
    }

    [Fact]
    public void RecentlyInactiveFollowerIsNotSentASnapshot()
    {
        var c = new TestCluster(3, checkQuorum: true);
        c.Elect(1);
        c.Isolate(3);
        for (int i = 0; i < 10; i++) c[1].Propose(new byte[] { 1 });
        c.Stabilize();
        c.SnapshotAndCompact(1);
        for (int i = 0; i < 10; i++) { c[1].Tick(); c.Stabilize(); } // a check-quorum round marks 3 inactive
        c[1].ReportUnreachable(3); // probe again, unpaused
        Assert.False(c[1].Tracker.Progress[3].RecentActive);
        c[1].Propose(new byte[] { 2 }); // needs a snapshot for 3, but 3 has not been heard from
        Assert.DoesNotContain(c[1].GetReady().Messages, m => m.Type == MessageType.MsgSnap && m.To == 3);
        c[1].Advance();
        // Once 3 answers a heartbeat it is active again and gets the snapshot.
        c[1].Step(new Message { Type = MessageType.MsgHeartbeatResp, From = 3, To = 1, Term = c[1].Term });
        Assert.Contains(c[1].GetReady().Messages, m => m.Type == MessageType.MsgSnap && m.To == 3);
        c[1].Advance();
    }
}

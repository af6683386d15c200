// Log replication rules of the Raft thesis §3.5 and commitment §3.6.2, one test per rule.
namespace FastKv.Raft.Tests.Behaviour;

public sealed class ReplicationTests
{
    [Fact]
    public void LeaderCommitsEntryOnceStoredOnMajority()
    {
        var c = new TestCluster(5);
        c.Elect(1);
        c.Cut(1, 4); c.Cut(1, 5);
        c[1].Propose(new byte[] { 42 });
        c.Stabilize();
        Assert.Contains(c.AppliedData(1), d => d[0] == 42);
        Assert.Contains(c.AppliedData(2), d => d[0] == 42);
        Assert.DoesNotContain(c.AppliedData(4), d => d[0] == 42);
    }

    [Fact]
    public void LeaderDoesNotCommitWithoutMajority()
    {
        var c = new TestCluster(5);
        c.Elect(1);
        var committed = c[1].Committed;
        c.Cut(1, 3); c.Cut(1, 4); c.Cut(1, 5);
        c[1].Propose(new byte[] { 42 });
        c.Stabilize();
        Assert.Equal(committed, c[1].Committed);
        Assert.DoesNotContain(c.AppliedData(1), d => d[0] == 42);
    }

    [Fact]
    public void FollowerRejectsAppendWhosePreviousEntryDoesNotMatch()
    {
        var c = new TestCluster(3);
        c.Elect(1);
        var n = c[2];
        n.Step(new Message { Type = MessageType.MsgApp, From = 1, To = 2, Term = 2, Index = 50, LogTerm = 2, Entries = new[] { new Entry(2, 51, EntryType.Normal, default) } });
        var resp = n.GetReady().MessagesAfterPersist.Single(m => m.Type == MessageType.MsgAppResp);
        Assert.True(resp.Reject);
        Assert.Equal(50UL, resp.Index);
        Assert.Equal(n.LastIndex, resp.RejectHint); // hint: our last index, so the leader jumps straight there
    }

    [Fact]
    public void RejectionHintSkipsAWholeConflictingTermPerRoundTrip()
    {
        // Follower holds many entries of an old term that the leader does not have.
        var st = new MemoryStorage();
        st.ApplySnapshot(new Snapshot(1, 1, new ConfState { Voters = [1, 2] }, default));
        var ents = Enumerable.Range(2, 100).Select(i => new Entry(2, (ulong)i, EntryType.Normal, default)).ToArray();
        st.Append(ents);
        st.SetHardState(new HardState(2, 0, 1));
        var f = new RaftNode(new RaftConfig { Id = 2, ElectionTick = 10 }, st);
        // Leader of term 5 probes at index 101 with term 5: the follower's entries there are term 2.
        f.Step(new Message { Type = MessageType.MsgApp, From = 1, To = 2, Term = 5, Index = 101, LogTerm = 5 });
        var resp = f.GetReady().MessagesAfterPersist.Single(m => m.Type == MessageType.MsgAppResp);
        Assert.True(resp.Reject);
        Assert.Equal(101UL, resp.RejectHint);
        Assert.Equal(2UL, resp.LogTerm); // leader can skip every index whose term is above 2 in its own log
    }

    [Fact]
    public void ConflictingFollowerEntriesAreOverwrittenByLeader()
    {
        var c = new TestCluster(3);
        c.Elect(1);
        // Node 1 appends entries that only it has, then loses leadership.
        c.Isolate(1);
        c[1].Propose(new byte[] { 1 });
        c[1].Propose(new byte[] { 2 });
        c.Stabilize();
        c.Heal();
        c.Isolate(1);
        c.Elect(2);
        c[2].Propose(new byte[] { 3 });
        c.Stabilize();
        c.Heal();
        c[2].Propose(new byte[] { 4 });
        c.TickAll(3); // heartbeats resume probing node 1, whose first probe was lost
        Assert.Equal(c[2].LastIndex, c[1].LastIndex);
        for (ulong i = 1; i <= c[2].LastIndex; i++) Assert.Equal(c[2].TermAt(i), c[1].TermAt(i));
        Assert.DoesNotContain(c.AppliedData(1), d => d[0] == 1 || d[0] == 2);
        Assert.Equal(c.AppliedData(2).Select(d => d[0]), c.AppliedData(1).Select(d => d[0]));
    }

    [Fact]
    public void OldTermEntryIsNotCommittedByCountingReplicas()
    {
        // Figure 3.7: an entry of an older term stored on a majority is not committed by counting;
        // it commits only once an entry of the leader's own term does.
        var c = new TestCluster(3);
        c.Elect(1); // term 2
        c.Cut(1, 3);
        c.Filter = m => m.Type != MessageType.MsgAppResp; // node 2 stores it, node 1 never hears back
        Assert.Equal(StepResult.Ok, c[1].Propose(new byte[] { 9 }));
        c.Stabilize();
        var old = c[1].LastIndex;
        Assert.Equal(3UL, old);
        Assert.Equal(old, c[2].LastIndex); // on a majority (1 and 2)
        Assert.True(c[1].Committed < old);
        c.Heal();
        c.Filter = m => m.Type is not (MessageType.MsgApp or MessageType.MsgAppResp);
        // Node 1 hears of term 3 (so it is a follower), then wins term 4; votes need no MsgApp.
        c[1].Step(new Message { Type = MessageType.MsgHeartbeat, From = 2, To = 1, Term = 3 });
        c[1].Campaign();
        c.Stabilize();
        Assert.Equal(StateType.Leader, c[1].State);
        Assert.Equal(4UL, c[1].Term);
        // Node 2 reports it holds the old entry: a majority has it, but it is of term 2.
        c[1].Step(new Message { Type = MessageType.MsgAppResp, From = 2, To = 1, Term = 4, Index = old });
        Assert.True(c[1].Committed < old, "an old-term entry must not be committed by counting replicas");
        // Once node 2 holds the new-term entry, both commit together.
        c[1].Step(new Message { Type = MessageType.MsgAppResp, From = 2, To = 1, Term = 4, Index = old + 1 });
        Assert.Equal(old + 1, c[1].Committed);
    }

    [Fact]
    public void HeartbeatCarriesCommitIndexCappedByFollowerMatch()
    {
        var c = new TestCluster(3);
        c.Elect(1);
        c.Cut(1, 3);
        c[1].Propose(new byte[] { 1 });
        c.Stabilize();
        c.Heal();
        c.Delivered.Clear();
        c.Filter = m => m.Type != MessageType.MsgHeartbeatResp; // keep node 3 behind
        c[1].Step(new Message { Type = MessageType.MsgBeat, From = 1 });
        c.Stabilize();
        var hb2 = c.Delivered.First(m => m.Type == MessageType.MsgHeartbeat && m.To == 2);
        var hb3 = c.Delivered.First(m => m.Type == MessageType.MsgHeartbeat && m.To == 3);
        Assert.Equal(c[1].Committed, hb2.Commit);
        Assert.True(hb3.Commit < c[1].Committed);
        Assert.Equal(c[1].Committed, c[2].Committed);
    }

    [Fact]
    public void ProbeStateSendsOneAppendAtATime()
    {
        var c = new TestCluster(2);
        c.Elect(1);
        var pr = c[1].Tracker.Progress[2];
        pr.BecomeProbe();
        var msgs = new List<Message>();
        c[1].Propose(new byte[] { 1 });
        c[1].Propose(new byte[] { 2 });
        c[1].Propose(new byte[] { 3 });
        var rd = c[1].GetReady();
        Assert.Single(rd.Messages, m => m.Type == MessageType.MsgApp && m.To == 2);
        c[1].Advance();
    }

    [Fact]
    public void ReplicateStateLimitsInFlightMessages()
    {
        var c = new TestCluster(2, tweak: cfg => cfg with { MaxInflightMsgs = 3 });
        c.Elect(1);
        Assert.Equal(ProgressState.Replicate, c[1].Tracker.Progress[2].State);
        for (int i = 0; i < 10; i++) c[1].Propose(new byte[] { (byte)i });
        var rd = c[1].GetReady();
        Assert.Equal(3, rd.Messages.Count(m => m.Type == MessageType.MsgApp && m.To == 2));
        c[1].Advance();
    }

    [Fact]
    public void AppendMessagesRespectMaxSizePerMessage()
    {
        var c = new TestCluster(2, tweak: cfg => cfg with { MaxSizePerMsg = 100 });
        c.Elect(1);
        c.Tick(1, 0);
        var batch = Enumerable.Range(0, 10).Select(i => new Entry(new byte[40])).ToArray();
        c[1].Propose(batch);
        var rd = c[1].GetReady();
        var apps = rd.Messages.Where(m => m.Type == MessageType.MsgApp && m.To == 2).Select(m => { m.Entries = m.Entries.ToArray(); return m; }).ToList();
        Assert.True(apps.Count >= 5);
        Assert.All(apps, m => Assert.True(m.Entries.Length <= 2));
        c.Storages[1].Append(rd.Entries.Span);
        c[1].Advance();
        c.Deliver(apps);
        c.Stabilize();
        Assert.Equal(10, c.AppliedData(2).Count());
    }

    [Fact]
    public void LeaderSendsBeforeItsOwnFsyncButCountsItselfOnlyOncePersisted()
    {
        var c = new TestCluster(3);
        c.Elect(1);
        var leader = c[1];
        leader.Propose(new byte[] { 5 });
        var rd = leader.GetReady();
        var idx = rd.Entries.Span[^1].Index;
        Assert.Contains(rd.Messages, m => m.Type == MessageType.MsgApp); // may go out before persisting
        // Only node 2 acknowledges; the leader has not persisted: 1 of 3 is not a quorum.
        var msgs = rd.Messages.Select(m => { m.Entries = m.Entries.ToArray(); return m; }).ToList();
        c.Deliver(msgs.Where(m => m.To == 2));
        var resp = c.Process(2);
        leader.Step(resp.Single(m => m.Type == MessageType.MsgAppResp));
        Assert.True(leader.Committed < idx);
        // Now the leader persists and acknowledges the batch: it counts itself, 2 of 3 commit.
        c.Storages[1].Append(rd.Entries.Span);
        leader.Advance();
        Assert.Equal(idx, leader.Committed);
    }

    [Fact]
    public void FollowerAcknowledgesOnlyAfterPersisting()
    {
        var c = new TestCluster(2);
        c.Elect(1);
        c[1].Propose(new byte[] { 1 });
        c.Stabilize();
        c[2].Step(new Message { Type = MessageType.MsgApp, From = 1, To = 2, Term = 2, Index = c[2].LastIndex, LogTerm = 2, Entries = new[] { new Entry(2, c[2].LastIndex + 1, EntryType.Normal, default) } });
        var rd = c[2].GetReady();
        Assert.DoesNotContain(rd.Messages, m => m.Type == MessageType.MsgAppResp);
        Assert.Contains(rd.MessagesAfterPersist, m => m.Type == MessageType.MsgAppResp);
        c[2].Advance();
    }

    [Fact]
    public void CommittedEntriesAreAppliedInOrderOnEveryNode()
    {
        var c = new TestCluster(3);
        c.Elect(1);
        for (int i = 0; i < 50; i++)
        {
            c[(ulong)(i % 3 + 1)].Propose(new byte[] { (byte)i }); // followers forward to the leader
            if (i % 7 == 0) c.Stabilize();
        }
        c.Stabilize();
        var a = c.AppliedData(1).Select(d => d[0]).ToList();
        Assert.Equal(50, a.Count);
        Assert.Equal(a, c.AppliedData(2).Select(d => d[0]));
        Assert.Equal(a, c.AppliedData(3).Select(d => d[0]));
    }
}

// Membership changes (thesis §4): single-server changes, joint consensus, learners (§4.2.1 catch-up
// as non-voting members), and the rules that keep both configurations safe.
namespace FastKv.Raft.Tests.Behaviour;

public sealed class MembershipTests
{
    private static ConfChangeV2 Cc(ConfChangeSingle change) => new() { Changes = [change] };

    [Fact]
    public void OnlyOneConfigurationChangeMayBePendingAtATime()
    {
        var c = new TestCluster(3);
        c.Elect(1);
        c.AddEmptyNode(4);
        c.AddEmptyNode(5);
        c.Filter = m => m.Type != MessageType.MsgAppResp; // nothing commits
        c[1].ProposeConfChange(Cc(new(ConfChangeType.AddLearnerNode, 4)));
        c[1].ProposeConfChange(Cc(new(ConfChangeType.AddLearnerNode, 5)));
        c.Stabilize();
        c.Filter = null;
        c.TickAll(3);
        Assert.Contains(4UL, c[1].Tracker.Config.Learners);
        Assert.DoesNotContain(5UL, c[1].Tracker.Config.Learners); // refused: replaced by an empty entry
        Assert.True(c.Log.Saw("possible unapplied conf change"));
    }

    [Fact]
    public void LearnerReceivesEntriesButNeverCountsTowardsCommit()
    {
        var c = new TestCluster(1, learners: 2);
        c.Elect(1);
        c[1].Propose(new byte[] { 1 });
        c.Stabilize();
        Assert.Contains(c.AppliedData(2), d => d[0] == 1);
        Assert.True(c[2].IsLearner);
        // With the voter isolated nothing commits, however many learners hold the entry.
        var c2 = new TestCluster(2, learners: 2);
        c2.Elect(1);
        c2.Cut(1, 2);
        var before = c2[1].Committed;
        c2[1].Propose(new byte[] { 1 });
        c2.Stabilize();
        Assert.Equal(before, c2[1].Committed);
    }

    [Fact]
    public void LearnerNeverCampaigns()
    {
        var c = new TestCluster(1, learners: 1);
        for (int i = 0; i < 100; i++) c[2].Tick();
        Assert.Equal(StateType.Follower, c[2].State);
        Assert.Equal(1UL, c[2].Term);
    }

    [Fact]
    public void NewNodeIsAddedAsLearnerCatchesUpThenIsPromoted()
    {
        var c = new TestCluster(3);
        c.Elect(1);
        for (int i = 0; i < 20; i++) c[1].Propose(new byte[] { (byte)i });
        c.Stabilize();
        c.AddEmptyNode(4);
        c[1].ProposeConfChange(Cc(new(ConfChangeType.AddLearnerNode, 4)));
        c.Stabilize();
        // The application snapshots its state (which now includes member 4) and compacts.
        var applied = c.SnapshotAndCompact(1);
        c.TickAll(3);
        Assert.Equal(c[1].Committed, c[4].Committed); // caught up through the snapshot
        Assert.True(c[4].IsLearner);
        c[1].ProposeConfChange(Cc(new(ConfChangeType.AddNode, 4)));
        c.Stabilize();
        Assert.True(c[1].Tracker.Config.Voters.Incoming.Contains(4));
        Assert.False(c[4].IsLearner);
        Assert.Equal(applied, c.Storages[4].Snapshot().Index);
    }

    [Fact]
    public void SingleStepChangeMayNotChangeMoreThanOneVoter()
    {
        var c = new TestCluster(3);
        c.Elect(1);
        c.AddEmptyNode(4);
        c.AddEmptyNode(5);
        c[1].ProposeConfChange(new ConfChangeV2 { Transition = ConfChangeTransition.Auto, Changes = [new(ConfChangeType.AddNode, 4)] });
        c.Stabilize();
        Assert.False(c[1].Tracker.Config.Voters.IsJoint); // one voter: single step
        // Two voters at once with Auto enter a joint configuration instead.
        c[1].ProposeConfChange(new ConfChangeV2 { Transition = ConfChangeTransition.JointExplicit, Changes = [new(ConfChangeType.AddNode, 5), new(ConfChangeType.RemoveNode, 2)] });
        c.Stabilize();
        Assert.True(c[1].Tracker.Config.Voters.IsJoint);
    }

    [Fact]
    public void JointConfigurationNeedsMajoritiesOfBothOldAndNewVoters()
    {
        var c = new TestCluster(3);
        c.Elect(1);
        foreach (var id in new ulong[] { 4, 5, 6 }) c.AddEmptyNode(id);
        c[1].ProposeConfChange(Cc(new(ConfChangeType.AddLearnerNode, 4)));
        c.Stabilize();
        c[1].ProposeConfChange(Cc(new(ConfChangeType.AddLearnerNode, 5)));
        c.Stabilize();
        c[1].ProposeConfChange(Cc(new(ConfChangeType.AddLearnerNode, 6)));
        c.Stabilize();
        c.SnapshotAndCompact(1); // new members catch up from a snapshot that includes them
        c.TickAll(3);
        // Replace 2 and 3 by 4, 5, 6 explicitly (stay joint).
        c[1].ProposeConfChange(new ConfChangeV2
        {
            Transition = ConfChangeTransition.JointExplicit,
            Changes = [new(ConfChangeType.AddNode, 4), new(ConfChangeType.AddNode, 5), new(ConfChangeType.AddNode, 6), new(ConfChangeType.RemoveNode, 2), new(ConfChangeType.RemoveNode, 3)],
        });
        c.Stabilize();
        var cfg = c[1].Tracker.Config.Voters;
        Assert.True(cfg.IsJoint);
        // Old majority (1,2,3) without 2 and 3 cannot commit, even with all new voters.
        c.Cut(1, 2); c.Cut(1, 3);
        var before = c[1].Committed;
        c[1].Propose(new byte[] { 1 });
        c.Stabilize();
        Assert.True(before == c[1].Committed, $"before {before} now {c[1].Committed} last {c[1].LastIndex} cfg {c[1].Tracker.Config} {string.Join(";", c[1].Tracker.Progress.Select(p => p.Key + ":" + p.Value))}");
        c.Heal();
        // New majority (4,5,6) without 4 and 5 cannot commit either.
        c.Cut(1, 4); c.Cut(1, 5);
        c[1].Propose(new byte[] { 2 });
        c.Stabilize();
        // The first entry now has both majorities ({1,4,5,6} earlier, {1,2,3} now); the second lacks the new one.
        Assert.Equal(c[1].LastIndex - 1, c[1].Committed);
        c.Heal();
        c.TickAll(2);
        Assert.True(c[1].Committed > before, $"committed {c[1].Committed} before {before} last {c[1].LastIndex} {string.Join(";", c[1].Tracker.Progress.Select(p => p.Key + ":" + p.Value))}");
        // Leaving the joint configuration.
        c[1].ProposeConfChange(new ConfChangeV2());
        c.Stabilize();
        Assert.False(c[1].Tracker.Config.Voters.IsJoint);
        Assert.Equal(new ulong[] { 1, 4, 5, 6 }, c[1].Tracker.Config.Voters.Incoming.Ids.ToArray());
    }

    [Fact]
    public void ImplicitJointConfigurationIsLeftAutomatically()
    {
        var c = new TestCluster(3);
        c.Elect(1);
        c.AddEmptyNode(4);
        c[1].ProposeConfChange(new ConfChangeV2
        {
            Transition = ConfChangeTransition.JointImplicit,
            Changes = [new(ConfChangeType.AddNode, 4), new(ConfChangeType.RemoveNode, 3)],
        });
        c.Stabilize();
        c.TickAll(3);
        Assert.False(c[1].Tracker.Config.Voters.IsJoint);
        Assert.Equal(new ulong[] { 1, 2, 4 }, c[1].Tracker.Config.Voters.Incoming.Ids.ToArray());
        Assert.True(c.Log.Saw("initiating automatic transition out of joint configuration"));
    }

    [Fact]
    public void DemotedVoterBecomesLearnerOnlyWhenJointConfigurationIsLeft()
    {
        var c = new TestCluster(3);
        c.Elect(1);
        c[1].ProposeConfChange(new ConfChangeV2 { Transition = ConfChangeTransition.JointExplicit, Changes = [new(ConfChangeType.AddLearnerNode, 3)] });
        c.Stabilize();
        var cfg = c[1].Tracker.Config;
        Assert.True(cfg.Voters.IsJoint);
        Assert.Contains(3UL, cfg.LearnersNext);
        Assert.DoesNotContain(3UL, cfg.Learners);
        c[1].ProposeConfChange(new ConfChangeV2());
        c.Stabilize();
        Assert.Contains(3UL, c[1].Tracker.Config.Learners);
        Assert.True(c[3].IsLearner);
    }

    [Fact]
    public void EmptyChangeOutsideJointConfigurationIsRefused()
    {
        var c = new TestCluster(3);
        c.Elect(1);
        c[1].ProposeConfChange(new ConfChangeV2());
        c.Stabilize();
        Assert.True(c.Log.Saw("not in joint state; refusing empty conf change"));
    }

    [Fact]
    public void RemovingAllVotersIsRefused()
    {
        var c = new TestCluster(1);
        c.Elect(1);
        c[1].ProposeConfChange(Cc(new(ConfChangeType.RemoveNode, 1)));
        c.Stabilize();
        Assert.True(c[1].Tracker.Config.Voters.Incoming.Contains(1));
        Assert.True(c.Log.Saw("removed all voters"));
    }

    [Fact]
    public void RemovedLeaderStepsDownOnceRemovalIsApplied()
    {
        var c = new TestCluster(3);
        c.Elect(1);
        c[1].ProposeConfChange(Cc(new(ConfChangeType.RemoveNode, 1)));
        c.Stabilize();
        Assert.NotEqual(StateType.Leader, c[1].State);
        Assert.False(c[2].Tracker.Config.Voters.Contains(1));
        for (int i = 0; i < 40 && c[2].State != StateType.Leader && c[3].State != StateType.Leader; i++) { c[2].Tick(); c[3].Tick(); c.Stabilize(); }
        Assert.True(c[2].State == StateType.Leader || c[3].State == StateType.Leader);
    }

    [Fact]
    public void NodeWithUnappliedConfChangeDoesNotCampaign()
    {
        var st = new MemoryStorage();
        st.ApplySnapshot(new Snapshot(1, 1, new ConfState { Voters = [1, 2, 3] }, default));
        st.Append([new Entry(1, 2, EntryType.ConfChangeV2, ConfChangeCodec.Encode(Cc(new(ConfChangeType.AddNode, 4))))]);
        st.SetHardState(new HardState(1, 0, 2));
        var log = new ListLogger();
        var n = new RaftNode(new RaftConfig { Id = 1, Logger = log, Applied = 1 }, st);
        n.Campaign();
        Assert.Equal(StateType.Follower, n.State);
        Assert.True(log.Saw("pending configuration changes to apply"));
    }

    [Fact]
    public void LegacyConfChangeIsAppliedSingleStep()
    {
        var c = new TestCluster(3);
        c.Elect(1);
        c.AddEmptyNode(4);
        c[1].ProposeConfChange(new ConfChange { Type = ConfChangeType.AddLearnerNode, NodeId = 4, Id = 99 });
        c.Stabilize();
        Assert.Contains(4UL, c[1].Tracker.Config.Learners);
    }

    [Fact]
    public void DroppedConfChangeProposalLeavesNoPendingChangeBehind()
    {
        var c = new TestCluster(3, tweak: cfg => cfg with { MaxUncommittedEntriesSize = 10 });
        c.Elect(1);
        c.Isolate(1);
        Assert.Equal(StepResult.Ok, c[1].Propose(new byte[8]));
        // The cap refuses this batch; it must not count as a pending configuration change.
        Assert.Equal(StepResult.Dropped, c[1].ProposeConfChange(Cc(new(ConfChangeType.AddLearnerNode, 1))));
        c.Heal();
        c.TickAll(3);
        c.AddEmptyNode(4);
        Assert.Equal(StepResult.Ok, c[1].ProposeConfChange(Cc(new(ConfChangeType.AddLearnerNode, 4))));
        c.Stabilize();
        Assert.Contains(4UL, c[1].Tracker.Config.Learners);
        Assert.Equal(StepResult.Ok, c[1].Propose(new byte[1]));
    }

    [Fact]
    public void OnlyTheFirstConfChangeOfABatchIsAccepted()
    {
        var c = new TestCluster(3);
        c.Elect(1);
        c.AddEmptyNode(4);
        c.AddEmptyNode(5);
        var batch = new[]
        {
            new Entry(0, 0, EntryType.ConfChangeV2, ConfChangeCodec.Encode(Cc(new(ConfChangeType.AddLearnerNode, 4)))),
            new Entry(0, 0, EntryType.ConfChangeV2, ConfChangeCodec.Encode(Cc(new(ConfChangeType.AddLearnerNode, 5)))),
        };
        c[1].Propose(batch);
        c.Stabilize();
        Assert.Contains(4UL, c[1].Tracker.Config.Learners);
        Assert.DoesNotContain(5UL, c[1].Tracker.Config.Learners);
        Assert.True(c.Log.Saw("another conf change in the same batch"));
    }

    [Fact]
    public void LeaderTakesNoProposalsWhileItsOwnRemovalIsPending()
    {
        var c = new TestCluster(3);
        c.Elect(1);
        c.Filter = m => m.Type != MessageType.MsgAppResp; // keep the removal uncommitted
        Assert.Equal(StepResult.Ok, c[1].ProposeConfChange(Cc(new(ConfChangeType.RemoveNode, 1))));
        c.Stabilize();
        Assert.Equal(StepResult.Dropped, c[1].Propose(new byte[] { 1 }));
        Assert.True(c.Log.Saw("may remove or demote this leader is pending"));
    }
}

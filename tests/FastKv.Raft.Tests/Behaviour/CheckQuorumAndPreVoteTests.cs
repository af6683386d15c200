// Check-quorum and leader leases (thesis §6.2, §4.2.3) and pre-vote (§9.6), one test per rule.
namespace FastKv.Raft.Tests.Behaviour;

public sealed class CheckQuorumAndPreVoteTests
{
    [Fact]
    public void LeaderWithoutQuorumStepsDownWithinElectionTimeout()
    {
        var c = new TestCluster(3, checkQuorum: true);
        c.Elect(1);
        c.Isolate(1);
        for (int i = 0; i < 2 * 10 + 1; i++) { c[1].Tick(); c.Stabilize(); }
        Assert.Equal(StateType.Follower, c[1].State);
        Assert.True(c.Log.Saw("stepped down to follower since quorum is not active"));
        Assert.True(c.Log.Saw("lost leader 1"));
    }

    [Fact]
    public void LeaderWithQuorumStaysLeader()
    {
        var c = new TestCluster(3, checkQuorum: true);
        c.Elect(1);
        c.Cut(1, 3);
        c.TickAll(50);
        Assert.Equal(StateType.Leader, c[1].State);
    }

    [Fact]
    public void FollowerInLeaseIgnoresVoteRequests()
    {
        var c = new TestCluster(3, checkQuorum: true);
        c.Elect(1);
        var term = c[2].Term;
        c[2].Step(new Message { Type = MessageType.MsgVote, From = 3, To = 2, Term = term + 5, Index = 100, LogTerm = 100 });
        Assert.Equal(term, c[2].Term); // disruptive vote ignored
        Assert.Equal(1UL, c[2].Lead);
        Assert.True(c.Log.Saw("lease is not expired"));
    }

    [Fact]
    public void LeadershipTransferVoteOverridesLease()
    {
        var c = new TestCluster(3, checkQuorum: true);
        c.Elect(1);
        var term = c[2].Term;
        c[2].Step(new Message { Type = MessageType.MsgVote, From = 3, To = 2, Term = term + 1, Index = 100, LogTerm = 100, Context = "CampaignTransfer"u8.ToArray() });
        Assert.Equal(term + 1, c[2].Term);
    }

    [Fact]
    public void PreCandidateDoesNotIncrementItsTerm()
    {
        var c = new TestCluster(3, preVote: true);
        c.Elect(1);
        c.Isolate(3);
        var term = c[3].Term;
        for (int i = 0; i < 200; i++) { c[3].Tick(); c.Stabilize(); }
        Assert.Equal(StateType.PreCandidate, c[3].State);
        Assert.Equal(term, c[3].Term);
        Assert.True(c.Log.Saw("3 became pre-candidate at term " + term));
    }

    [Fact]
    public void RejoiningPartitionedNodeDoesNotDisruptLeaderWithPreVote()
    {
        var c = new TestCluster(3, preVote: true);
        c.Elect(1);
        c.Isolate(3);
        for (int i = 0; i < 100; i++) { c[3].Tick(); c.Stabilize(); }
        c[1].Propose(new byte[] { 1 });
        c.Stabilize();
        c.Heal();
        var term = c[1].Term;
        for (int i = 0; i < 30; i++) { c[3].Tick(); c.Stabilize(); }
        c.TickAll(5);
        Assert.Equal(StateType.Leader, c[1].State);
        Assert.Equal(term, c[1].Term);
    }

    [Fact]
    public void WithoutPreVoteRejoiningNodeBumpsTheTerm()
    {
        // The contrast case that motivates pre-vote: the partitioned node's term grew and forces an election.
        var c = new TestCluster(3);
        c.Elect(1);
        c.Isolate(3);
        for (int i = 0; i < 100; i++) { c[3].Tick(); c.Stabilize(); }
        c.Heal();
        var term = c[1].Term;
        c.TickAll(40);
        Assert.True(c[1].Term > term);
    }

    [Fact]
    public void PreCandidateWithMajorityOfPreVotesBecomesCandidateAndLeader()
    {
        var c = new TestCluster(3, preVote: true);
        c[1].Campaign();
        Assert.Equal(StateType.PreCandidate, c[1].State);
        Assert.Equal(1UL, c[1].Term);
        c.Stabilize();
        Assert.Equal(StateType.Leader, c[1].State);
        Assert.Equal(2UL, c[1].Term);
        Assert.True(c.Log.Saw("1 became candidate at term 2"));
    }

    [Fact]
    public void PreVoteIsRejectedWhenCandidateLogIsBehind()
    {
        var c = new TestCluster(3, preVote: true);
        c.Elect(1);
        c[1].Propose(new byte[] { 1 });
        c.Stabilize();
        c[2].Step(new Message { Type = MessageType.MsgPreVote, From = 3, To = 2, Term = c[2].Term + 1, Index = 1, LogTerm = 1 });
        var rd = c[2].GetReady();
        Assert.True(rd.Messages.Single(m => m.Type == MessageType.MsgPreVoteResp).Reject);
        Assert.Null(rd.HardState); // a pre-vote changes nothing durable
        c[2].Advance();
    }

    [Fact]
    public void StaleLeaderLearnsNewTermFromFollowerResponse()
    {
        var c = new TestCluster(3, preVote: true, checkQuorum: true);
        c.Elect(1);
        c.Isolate(1);
        for (int i = 0; i < 40 && c[2].State != StateType.Leader && c[3].State != StateType.Leader; i++)
        {
            c[2].Tick(); c[3].Tick(); c.Stabilize();
        }
        var newLeader = c[2].State == StateType.Leader ? 2UL : 3UL;
        Assert.Equal(StateType.Leader, c[newLeader].State);
        Assert.Equal(StateType.Leader, c[1].State); // still believes it leads (its lease has not run out)
        c.Heal();
        c[1].Step(new Message { Type = MessageType.MsgBeat, From = 1 });
        c.Stabilize();
        Assert.Equal(StateType.Follower, c[1].State);
        Assert.Equal(c[newLeader].Term, c[1].Term);
    }
}

// Leader election rules of the Raft thesis §3.4 and safety §3.6, one test per rule.
namespace FastKv.Raft.Tests.Behaviour;

public sealed class ElectionTests
{
    [Fact]
    public void FollowerWithoutLeaderBecomesCandidateAfterElectionTimeout()
    {
        var c = new TestCluster(3);
        var n = c[1];
        for (int i = 0; i < 2 * 10 && n.State == StateType.Follower; i++) n.Tick();
        Assert.Equal(StateType.Candidate, n.State);
        Assert.Equal(2UL, n.Term);
        Assert.Equal(1UL, n.Vote); // votes for itself
        Assert.True(c.Log.Saw("became candidate at term 2"));
    }

    [Fact]
    public void ElectionTimeoutIsRandomizedWithinOneToTwoElectionTimeouts()
    {
        var seen = new HashSet<int>();
        for (ulong seed = 1; seed <= 50; seed++)
        {
            var st = new MemoryStorage();
            st.ApplySnapshot(new Snapshot(1, 1, new ConfState { Voters = [1, 2, 3] }, default));
            var n = new RaftNode(new RaftConfig { Id = 1, ElectionTick = 10, RandomSeed = seed }, st);
            Assert.InRange(n.RandomizedElectionTimeout, 10, 19);
            seen.Add(n.RandomizedElectionTimeout);
        }
        Assert.True(seen.Count > 3, "timeouts should differ between nodes/seeds to avoid split votes");
    }

    [Fact]
    public void CandidateWithVotesFromMajorityBecomesLeader()
    {
        var c = new TestCluster(5);
        c.Cut(1, 4);
        c.Cut(1, 5);
        c.Elect(1); // 1, 2, 3 form a majority of 5
        Assert.Equal(StateType.Leader, c[1].State);
        Assert.True(c.Log.Saw("became leader at term 2"));
    }

    [Fact]
    public void CandidateWithoutMajorityDoesNotBecomeLeader()
    {
        var c = new TestCluster(5);
        c.Cut(1, 3); c.Cut(1, 4); c.Cut(1, 5);
        c.Elect(1);
        Assert.Equal(StateType.Candidate, c[1].State);
    }

    [Fact]
    public void NodeGrantsAtMostOneVotePerTerm()
    {
        var c = new TestCluster(3);
        var n = c[3];
        n.Step(new Message { Type = MessageType.MsgVote, From = 1, To = 3, Term = 2, Index = 1, LogTerm = 1 });
        n.Step(new Message { Type = MessageType.MsgVote, From = 2, To = 3, Term = 2, Index = 1, LogTerm = 1 });
        var rd = n.GetReady();
        var resps = rd.MessagesAfterPersist.Where(m => m.Type == MessageType.MsgVoteResp).ToList();
        Assert.Equal(2, resps.Count);
        Assert.False(resps.Single(m => m.To == 1).Reject);
        Assert.True(resps.Single(m => m.To == 2).Reject);
        Assert.Equal(1UL, rd.HardState!.Value.Vote); // the vote is persisted before the grant is sent
        Assert.True(rd.MustSync);
    }

    [Fact]
    public void VoteIsDeniedToCandidateWithLowerLastLogTerm()
    {
        var c = new TestCluster(3);
        c.Elect(1);
        c[1].Propose(new byte[] { 1 });
        c.Stabilize();
        var n = c[3]; // has entries of term 2
        n.Step(new Message { Type = MessageType.MsgVote, From = 2, To = 3, Term = 5, Index = 100, LogTerm = 1 });
        var rd = n.GetReady();
        Assert.True(rd.MessagesAfterPersist.Single(m => m.Type == MessageType.MsgVoteResp).Reject);
    }

    [Fact]
    public void VoteIsDeniedToCandidateWithSameLastTermButShorterLog()
    {
        var c = new TestCluster(3);
        c.Elect(1);
        c[1].Propose(new byte[] { 1 });
        c.Stabilize();
        var last = c[3].LastIndex;
        c[3].Step(new Message { Type = MessageType.MsgVote, From = 2, To = 3, Term = 5, Index = last - 1, LogTerm = 2 });
        Assert.True(c[3].GetReady().MessagesAfterPersist.Single(m => m.Type == MessageType.MsgVoteResp).Reject);
    }

    [Fact]
    public void VoteIsGrantedToCandidateWithAtLeastAsUpToDateLog()
    {
        var c = new TestCluster(3);
        c.Elect(1);
        var last = c[3].LastIndex;
        c[3].Step(new Message { Type = MessageType.MsgVote, From = 2, To = 3, Term = 5, Index = last, LogTerm = 2 });
        Assert.False(c[3].GetReady().MessagesAfterPersist.Single(m => m.Type == MessageType.MsgVoteResp).Reject);
    }

    [Fact]
    public void CandidateReturnsToFollowerOnAppendFromLeaderOfSameTerm()
    {
        var c = new TestCluster(3);
        c[2].Campaign(); // candidate at term 2
        Assert.Equal(StateType.Candidate, c[2].State);
        c[2].Step(new Message { Type = MessageType.MsgApp, From = 1, To = 2, Term = 2, Index = 1, LogTerm = 1 });
        Assert.Equal(StateType.Follower, c[2].State);
        Assert.Equal(1UL, c[2].Lead);
    }

    [Fact]
    public void NodeSeeingHigherTermStepsDownToFollower()
    {
        var c = new TestCluster(3);
        c.Elect(1);
        c[1].Step(new Message { Type = MessageType.MsgApp, From = 2, To = 1, Term = 9, Index = 1, LogTerm = 1 });
        Assert.Equal(StateType.Follower, c[1].State);
        Assert.Equal(9UL, c[1].Term);
    }

    [Fact]
    public void MessagesFromStaleTermAreIgnored()
    {
        var c = new TestCluster(3);
        c.Elect(1);
        c.Elect(2); // term 3
        var before = c[3].Committed;
        c[3].Step(new Message { Type = MessageType.MsgApp, From = 1, To = 3, Term = 2, Index = 1, LogTerm = 1, Commit = 99 });
        Assert.Equal(2UL, c[3].Lead);
        Assert.Equal(before, c[3].Committed);
    }

    [Fact]
    public void SplitVoteLeadsToNewElectionInHigherTerm()
    {
        var c = new TestCluster(4);
        c.Cut(1, 3); c.Cut(1, 4); c.Cut(2, 1); c.Cut(2, 4);
        c[1].Campaign();
        c[2].Campaign();
        c.Stabilize();
        Assert.Equal(StateType.Candidate, c[1].State);
        var term = c[1].Term;
        for (int i = 0; i < 20 && c[1].Term == term; i++) c[1].Tick();
        Assert.Equal(term + 1, c[1].Term);
    }

    [Fact]
    public void AtMostOneLeaderPerTerm()
    {
        var c = new TestCluster(5);
        var leaders = new Dictionary<ulong, ulong>();
        for (int round = 0; round < 200; round++)
        {
            foreach (var n in c.Nodes.Values) n.Tick();
            c.Stabilize();
            foreach (var (id, n) in c.Nodes)
            {
                if (n.State != StateType.Leader) continue;
                if (leaders.TryGetValue(n.Term, out var other)) Assert.Equal(other, id);
                leaders[n.Term] = id;
            }
            if (round % 37 == 0) { c.Heal(); c.Isolate((ulong)(round % 5 + 1)); }
        }
        Assert.NotEmpty(leaders);
    }

    [Fact]
    public void LeaderLogsElectionInOperatorPhrases()
    {
        var c = new TestCluster(3);
        c.Elect(1);
        Assert.True(c.Log.Saw("1 became leader at term 2"));
        Assert.True(c.Log.Saw("elected leader 1 at term 2"));
        Assert.True(c.Log.Saw("2 became follower at term 2"));
    }

    [Fact]
    public void SingleVoterElectsItselfAtOnce()
    {
        var c = new TestCluster(1);
        c.Elect(1);
        Assert.Equal(StateType.Leader, c[1].State);
        c[1].Propose(new byte[] { 7 });
        c.Stabilize();
        Assert.Contains(c.AppliedData(1), d => d.SequenceEqual(new byte[] { 7 }));
    }

    [Fact]
    public void LeaderSendsHeartbeatsEveryHeartbeatTimeoutToKeepItsAuthority()
    {
        var c = new TestCluster(3, tweak: cfg => cfg with { HeartbeatTick = 2 });
        c.Elect(1);
        c.Delivered.Clear();
        c.TickAll(6);
        Assert.Equal(3 * 2, c.Delivered.Count(m => m.Type == MessageType.MsgHeartbeat));
        // Followers that keep hearing from the leader never start an election.
        c.TickAll(100);
        Assert.Equal(StateType.Leader, c[1].State);
        Assert.Equal(2UL, c[1].Term);
    }

    [Fact]
    public void StaleCandidateLearnsTheHigherTermFromTheRejection()
    {
        var c = new TestCluster(3);
        c[3].Step(new Message { Type = MessageType.MsgHeartbeat, From = 2, To = 3, Term = 9 }); // node 3 is at term 9
        c.Stabilize();
        c[1].Campaign(); // term 2
        var rd = c[1].GetReady();
        var votes = rd.MessagesAfterPersist.Where(m => m.Type == MessageType.MsgVote).Select(m => { m.Entries = m.Entries.ToArray(); return m; }).ToList();
        c[1].Advance();
        c.Deliver(votes.Where(m => m.To == 3));
        var replies = c.Process(3);
        var reject = replies.Single(m => m.Type == MessageType.MsgVoteResp);
        Assert.True(reject.Reject);
        Assert.Equal(9UL, reject.Term);
        c[1].Step(reject);
        Assert.Equal(StateType.Follower, c[1].State);
        Assert.Equal(9UL, c[1].Term);
    }

    [Fact]
    public void CandidateLearnsCommitIndexFromVoteRejectionWhenItHoldsThatEntry()
    {
        var c = new TestCluster(3);
        c.Elect(1);
        c[1].Propose(new byte[] { 1 });
        c.Stabilize();
        var committed = c[1].Committed;
        // Node 2 restarts with an older durable commit index (as after losing an unsynced hard state).
        var st = c.Storages[2];
        st.SetHardState(new HardState(st.HardState.Term, st.HardState.Vote, committed - 1));
        var n2 = new RaftNode(new RaftConfig { Id = 2 }, st);
        Assert.Equal(committed - 1, n2.Committed);
        n2.Campaign();
        var vote = n2.GetReady().MessagesAfterPersist.First(m => m.Type == MessageType.MsgVote && m.To == 1);
        n2.Advance();
        // Node 1 has voted in this term already (or has a longer log): it rejects, reporting its commit index.
        c[1].Step(new Message { Type = MessageType.MsgVote, From = 3, To = 1, Term = vote.Term, Index = 100, LogTerm = 100 });
        c[1].Step(vote);
        var reject = c[1].GetReady().MessagesAfterPersist.Single(m => m.Type == MessageType.MsgVoteResp && m.To == 2);
        c[1].Advance();
        Assert.True(reject.Reject);
        Assert.Equal(committed, reject.Commit);
        n2.Step(reject);
        Assert.Equal(committed, n2.Committed);
    }
}

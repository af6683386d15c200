// The host contract of ready batches: what must be durable before which message may leave, and that
// the host may keep stepping and ticking the node while it persists a batch asynchronously.
namespace FastKv.Raft.Tests.Behaviour;

public sealed class PersistenceTests
{
    private static RaftNode Follower(out MemoryStorage st)
    {
        st = new MemoryStorage();
        st.ApplySnapshot(new Snapshot(1, 1, new ConfState { Voters = [1, 2, 3] }, default));
        st.SetHardState(new HardState(1, 0, 1));
        return new RaftNode(new RaftConfig { Id = 2 }, st);
    }

    private static Entry[] Ents(ulong term, ulong from, int n, byte tag) =>
        Enumerable.Range(0, n).Select(i => new Entry(term, from + (ulong)i, EntryType.Normal, new byte[] { tag })).ToArray();

    [Fact]
    public void BatchStaysIntactWhileConflictingEntriesArriveDuringAsyncPersist()
    {
        var f = Follower(out var st);
        f.Step(new Message { Type = MessageType.MsgApp, From = 1, To = 2, Term = 2, Index = 1, LogTerm = 1, Entries = Ents(2, 2, 5, 0xA) });
        var rd = f.GetReady();
        var handedOut = rd.Entries.ToArray();
        // While the host is still writing that batch, a new leader overwrites the tail.
        f.Step(new Message { Type = MessageType.MsgApp, From = 3, To = 2, Term = 3, Index = 3, LogTerm = 2, Entries = Ents(3, 4, 4, 0xB) });
        f.Tick();
        Assert.Equal(handedOut.Select(e => (e.Index, e.Term, e.Data.Span[0])), rd.Entries.ToArray().Select(e => (e.Index, e.Term, e.Data.Span[0])));
        st.Append(rd.Entries.Span);
        if (rd.HardState is { } hs) st.SetHardState(hs);
        f.Advance();
        // The next batch re-writes the replaced suffix.
        var rd2 = f.GetReady();
        Assert.Equal(4UL, rd2.Entries.Span[0].Index);
        st.Append(rd2.Entries.Span);
        f.Advance();
        for (ulong i = 4; i <= 7; i++) { st.Term(i, out var t); Assert.Equal(3UL, t); }
        st.Term(3, out var t3);
        Assert.Equal(2UL, t3);
    }

    [Fact]
    public void EntriesNotYetPersistedAreLostOnRestartAndRefetched()
    {
        var f = Follower(out var st);
        f.Step(new Message { Type = MessageType.MsgApp, From = 1, To = 2, Term = 2, Index = 1, LogTerm = 1, Entries = Ents(2, 2, 3, 1) });
        var rd = f.GetReady();
        Assert.DoesNotContain(rd.Messages, m => m.Type == MessageType.MsgAppResp); // no acknowledgement before fsync
        // Crash before the batch is durable: the node restarts from storage without those entries.
        var restarted = new RaftNode(new RaftConfig { Id = 2 }, st);
        Assert.Equal(1UL, restarted.LastIndex);
        Assert.Equal(1UL, restarted.Term);
        restarted.Step(new Message { Type = MessageType.MsgApp, From = 1, To = 2, Term = 2, Index = 4, LogTerm = 2 });
        var resp = restarted.GetReady().MessagesAfterPersist.Single(m => m.Type == MessageType.MsgAppResp);
        Assert.True(resp.Reject);
        Assert.Equal(1UL, resp.RejectHint); // the leader will resend from index 2
    }

    [Fact]
    public void VoteIsDurableBeforeItIsGranted()
    {
        var f = Follower(out var st);
        f.Step(new Message { Type = MessageType.MsgVote, From = 3, To = 2, Term = 5, Index = 1, LogTerm = 1 });
        var rd = f.GetReady();
        Assert.Empty(rd.Messages);
        var grant = Assert.Single(rd.MessagesAfterPersist);
        Assert.False(grant.Reject);
        Assert.Equal(new HardState(5, 3, 1), rd.HardState);
        Assert.True(rd.MustSync);
        st.SetHardState(rd.HardState!.Value);
        f.Advance();
        // After a restart the node remembers its vote and refuses another candidate in that term.
        var restarted = new RaftNode(new RaftConfig { Id = 2 }, st);
        restarted.Step(new Message { Type = MessageType.MsgVote, From = 1, To = 2, Term = 5, Index = 1, LogTerm = 1 });
        Assert.True(restarted.GetReady().MessagesAfterPersist.Single().Reject);
    }

    [Fact]
    public void ReadyIsNotProducedAgainUntilAdvanced()
    {
        var f = Follower(out _);
        f.Campaign();
        Assert.True(f.HasReady());
        f.GetReady();
        Assert.False(f.HasReady());
        Assert.Throws<InvalidOperationException>(() => f.GetReady());
        f.Advance();
    }

    [Fact]
    public void AppliedIndexGivenAtRestartIsNotRedelivered()
    {
        var c = new TestCluster(3);
        c.Elect(1);
        for (int i = 0; i < 5; i++) c[1].Propose(new byte[] { (byte)i });
        c.Stabilize();
        var applied = c[2].Applied;
        var restarted = new RaftNode(new RaftConfig { Id = 2, Applied = applied - 2 }, c.Storages[2]);
        var rd = restarted.GetReady();
        Assert.Equal(applied - 1, rd.CommittedEntries.Span[0].Index);
        Assert.Equal(applied, rd.CommittedEntries.Span[^1].Index);
        restarted.Advance();
    }
}

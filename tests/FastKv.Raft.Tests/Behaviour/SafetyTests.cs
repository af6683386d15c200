// Safety properties of thesis §3.6 (Figure 3.2) checked on small deterministic scenarios.
namespace FastKv.Raft.Tests.Behaviour;

public sealed class SafetyTests
{
    [Fact]
    public void LeaderNeverOverwritesOrDeletesEntriesInItsLog()
    {
        var c = new TestCluster(3);
        c.Elect(1);
        for (int i = 0; i < 5; i++) c[1].Propose(new byte[] { (byte)i });
        c.Stabilize();
        var terms = Enumerable.Range(1, (int)c[1].LastIndex).Select(i => c[1].TermAt((ulong)i)).ToList();
        // Whatever a follower claims, the leader's log is append-only.
        c[1].Step(new Message { Type = MessageType.MsgAppResp, From = 2, To = 1, Term = c[1].Term, Index = 3, Reject = true, RejectHint = 1, LogTerm = 1 });
        c.Stabilize();
        for (int i = 1; i <= terms.Count; i++) Assert.Equal(terms[i - 1], c[1].TermAt((ulong)i));
    }

    [Fact]
    public void EntriesWithSameIndexAndTermHaveIdenticalPrefixes()
    {
        var c = new TestCluster(5);
        var rnd = new Random(5);
        for (int round = 0; round < 300; round++)
        {
            c.Heal();
            if (round % 20 == 0) { c.Isolate((ulong)rnd.Next(1, 6)); }
            var id = (ulong)rnd.Next(1, 6);
            c[id].Propose(new byte[] { (byte)round });
            foreach (var n in c.Nodes.Values) n.Tick();
            c.Stabilize();
        }
        c.Heal();
        c.TickAll(30);
        var ids = c.Nodes.Keys.ToList();
        foreach (var a in ids)
            foreach (var b in ids)
            {
                var hi = Math.Min(c[a].LastIndex, c[b].LastIndex);
                for (ulong i = hi; i >= 2; i--)
                {
                    if (c[a].TermAt(i) != c[b].TermAt(i)) continue;
                    for (ulong j = 2; j <= i; j++) Assert.Equal(c[a].TermAt(j), c[b].TermAt(j));
                    break;
                }
            }
        // State machine safety: applied sequences are prefixes of one another.
        var seqs = ids.Select(i => c.Applied[i].Select(e => (e.Index, e.Term)).ToList()).ToList();
        foreach (var s1 in seqs)
            foreach (var s2 in seqs)
                for (int k = 0; k < Math.Min(s1.Count, s2.Count); k++) Assert.Equal(s1[k], s2[k]);
    }

    [Fact]
    public void CommittedEntryIsPresentInEveryLaterLeader()
    {
        var c = new TestCluster(5);
        c.Elect(1);
        c[1].Propose(new byte[] { 0xC0 });
        c.Stabilize();
        var idx = c[1].Committed;
        var term = c[1].TermAt(idx);
        for (ulong next = 2; next <= 5; next++)
        {
            c.Isolate(next - 1);
            c.Elect(next);
            Assert.Equal(StateType.Leader, c[next].State);
            Assert.Equal(term, c[next].TermAt(idx));
            c.Heal();
        }
    }
}

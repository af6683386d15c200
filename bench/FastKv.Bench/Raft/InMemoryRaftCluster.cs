// A lean in-process Raft cluster for throughput and allocation measurement: MemoryStorage as the
// durable log, messages handed from node to node with no copy (a message's entries stay valid until
// the sender's Advance, which comes after delivery), and periodic log compaction so memory is flat.
// Shared (linked) with the test project, which asserts the zero-allocation claim.
namespace FastKv.Raft.Bench;

public sealed class InMemoryRaftCluster
{
    public readonly RaftNode[] Nodes;
    public readonly MemoryStorage[] Storages;
    public long AppliedEntries;
    public long AppliedBytes;
    private readonly ulong _compactEvery;

    public InMemoryRaftCluster(int size, int maxInflight = 256, long maxSizePerMsg = 1 << 20, ulong compactEvery = 16384)
    {
        _compactEvery = compactEvery;
        Nodes = new RaftNode[size];
        Storages = new MemoryStorage[size];
        var voters = Enumerable.Range(1, size).Select(i => (ulong)i).ToArray();
        var cs = new ConfState { Voters = voters };
        for (int i = 0; i < size; i++)
        {
            var st = new MemoryStorage();
            st.ApplySnapshot(new Snapshot(1, 1, cs, ReadOnlyMemory<byte>.Empty));
            st.SetHardState(new HardState(1, 0, 1));
            Storages[i] = st;
            Nodes[i] = new RaftNode(new RaftConfig
            {
                Id = (ulong)(i + 1),
                ElectionTick = 10,
                HeartbeatTick = 1,
                MaxInflightMsgs = maxInflight,
                MaxSizePerMsg = maxSizePerMsg,
                MaxCommittedSizePerReady = long.MaxValue,
                CheckQuorum = true,
                PreVote = true,
                RandomSeed = 7,
            }, st);
        }
        Nodes[0].Campaign();
        Pump();
        if (Nodes[0].State != StateType.Leader) throw new InvalidOperationException("node 1 did not become leader");
    }

    public RaftNode Leader => Nodes[0];

    // Runs ready batches until no node has work left.
    public void Pump()
    {
        bool any = true;
        while (any)
        {
            any = false;
            for (int i = 0; i < Nodes.Length; i++)
            {
                var n = Nodes[i];
                if (!n.HasReady()) continue;
                any = true;
                var rd = n.GetReady();
                Deliver(rd.Messages);
                var st = Storages[i];
                if (rd.Snapshot is not null) st.ApplySnapshot(rd.Snapshot);
                st.Append(rd.Entries.Span);
                if (rd.HardState is { } hs) st.SetHardState(hs);
                Deliver(rd.MessagesAfterPersist);
                var ce = rd.CommittedEntries.Span;
                for (int k = 0; k < ce.Length; k++)
                {
                    AppliedEntries++;
                    AppliedBytes += ce[k].Data.Length;
                }
                n.Advance();
                var applied = n.Applied;
                if (applied > st.FirstIndex() + _compactEvery) st.Compact(applied - _compactEvery / 2);
            }
        }
    }

    private void Deliver(List<Message> msgs)
    {
        for (int j = 0; j < msgs.Count; j++)
        {
            var m = msgs[j];
            Nodes[(int)m.To - 1].Step(m);
        }
    }
}

// Checks the hot-path promise: once warmed up, proposing, replicating, committing and applying
// allocate nothing per entry (the same cluster the benchmark measures).
using FastKv.Raft.Bench;

namespace FastKv.Raft.Tests.Performance;

[Collection(AllocationMeasurement.Name)]
public sealed class SteadyStateAllocationTests
{
    [Fact]
    public void ProposeReplicateCommitAllocatesNothingPerEntryInSteadyState()
    {
        var cluster = new InMemoryRaftCluster(3);
        var payload = new byte[256];
        var batch = new Entry[128];
        for (int i = 0; i < batch.Length; i++) batch[i] = new Entry(payload);
        void Round()
        {
            // (no Assert in the measured loop: xunit's comparers allocate)
            if (cluster.Leader.Propose(batch) != StepResult.Ok) throw new InvalidOperationException("proposal dropped");
            cluster.Pump();
        }
        for (int i = 0; i < 400; i++) Round(); // warm-up: arenas, logs and windows reach their size
        var applied = cluster.AppliedEntries;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 400; i++) Round();
        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        var entries = (cluster.AppliedEntries - applied) / 3;
        Assert.Equal(400 * 128, entries);
        Assert.True(bytes == 0, $"{bytes} bytes allocated for {entries} entries ({(double)bytes / entries:F3} B/entry)");
    }

    [Fact]
    public void ThreeNodeClusterCommitsManyEntriesWithBatching()
    {
        // A functional smoke check of the benchmark harness (the throughput number itself is recorded
        // by BenchmarkDotNet in docs/benchmarks.md, not asserted on a shared CI machine).
        var cluster = new InMemoryRaftCluster(3);
        var batch = Enumerable.Range(0, 256).Select(_ => new Entry(new byte[256])).ToArray();
        for (int i = 0; i < 200; i++) { cluster.Leader.Propose(batch); cluster.Pump(); }
        Assert.Equal(200L * 256 * 3, cluster.AppliedEntries - 3); // plus the leader's empty entry on each node
        Assert.All(cluster.Nodes, n => Assert.Equal(cluster.Leader.Committed, n.Applied));
    }
}

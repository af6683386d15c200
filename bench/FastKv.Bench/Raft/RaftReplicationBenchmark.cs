// Propose → replicate → commit → apply on a 3-node in-memory cluster in one process, on one core.
// Each operation is one 256-byte entry; proposals are batched. [MemoryDiagnoser] shows the bytes
// allocated per entry in steady state (expected: 0).
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace FastKv.Raft.Bench;

[MemoryDiagnoser]
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 3, iterationCount: 8)]
public class RaftReplicationBenchmark
{
    private const int EntriesPerInvoke = 32768;
    private InMemoryRaftCluster _cluster = null!;
    private Entry[] _batch = null!;

    [Params(64, 512)]
    public int BatchSize { get; set; }

    [Params(256)]
    public int PayloadBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _cluster = new InMemoryRaftCluster(3);
        // One payload buffer shared by every entry: payloads are references to host-owned buffers.
        var payload = new byte[PayloadBytes];
        _batch = new Entry[BatchSize];
        for (int i = 0; i < _batch.Length; i++) _batch[i] = new Entry(payload);
        for (int i = 0; i < 200; i++) Round(); // warm the arenas, logs and windows to steady state
    }

    private void Round()
    {
        if (_cluster.Leader.Propose(_batch) != StepResult.Ok) throw new InvalidOperationException("proposal dropped");
        _cluster.Pump();
    }

    // Every invocation commits EntriesPerInvoke entries on all three nodes.
    [Benchmark(OperationsPerInvoke = EntriesPerInvoke)]
    public void ProposeReplicateCommit()
    {
        for (int i = 0; i < EntriesPerInvoke / BatchSize; i++) Round();
    }
}

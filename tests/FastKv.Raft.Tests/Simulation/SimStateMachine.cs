// The replicated application of one simulated node: a running hash of every applied entry, its
// applied index and the membership as of that index. Volatile: a restart rebuilds it from the snapshot.
namespace FastKv.Raft.Tests.Simulation;

public sealed class SimStateMachine
{
    public ulong Applied;
    public ulong Hash;
    public ConfState ConfState = new();

    public byte[] Encode()
    {
        var b = new byte[16];
        BitConverter.TryWriteBytes(b.AsSpan(0, 8), Applied);
        BitConverter.TryWriteBytes(b.AsSpan(8, 8), Hash);
        return b;
    }

    public void Restore(Snapshot s)
    {
        var d = s.Data.Span;
        Applied = BitConverter.ToUInt64(d[..8]);
        Hash = BitConverter.ToUInt64(d.Slice(8, 8));
        if (Applied != s.Index) throw new SimulationFailure($"snapshot data index {Applied} differs from metadata {s.Index}");
        ConfState = s.ConfState;
    }
}

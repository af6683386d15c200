// Durable storage of a simulated node: survives crashes. It produces snapshots on demand from the
// node's applied state (as etcd does when a follower needs one) and compacts when the application asks.
namespace FastKv.Raft.Tests.Simulation;

public sealed class SimStorage : IRaftStorage
{
    public readonly MemoryStorage Mem = new();
    // The applied state at the time of the last durable write, used to build snapshots on demand.
    public Func<SimStateMachine?>? AppliedState;

    public (HardState HardState, ConfState ConfState) InitialState() => Mem.InitialState();

    public StorageResult Entries(ulong lo, ulong hi, long maxSize, out ReadOnlyMemory<Entry> entries) => Mem.Entries(lo, hi, maxSize, out entries);

    public StorageResult Term(ulong i, out ulong term) => Mem.Term(i, out term);

    public ulong FirstIndex() => Mem.FirstIndex();

    public ulong LastIndex() => Mem.LastIndex();

    public Snapshot? Snapshot()
    {
        var sm = AppliedState?.Invoke();
        var cur = Mem.Snapshot();
        if (sm is not null && sm.Applied > cur.Index && sm.Applied <= Mem.LastIndex())
        {
            return Mem.CreateSnapshot(sm.Applied, sm.ConfState, sm.Encode());
        }
        return cur;
    }

    public void Compact(SimStateMachine sm, ulong keep)
    {
        var snap = Snapshot();
        if (snap is null || snap.Index <= keep) return;
        var upTo = snap.Index - keep;
        if (upTo > Mem.FirstIndex()) Mem.Compact(upTo);
    }
}

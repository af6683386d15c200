// Test storage whose application produces a fresh snapshot (at its applied index, with the current
// membership) whenever Raft asks for one, as etcd's server does when a follower needs a snapshot.
namespace FastKv.Raft.Tests.Behaviour;

public sealed class OnDemandSnapshotStorage(MemoryStorage mem, Func<RaftNode?> node) : IRaftStorage
{
    public (HardState HardState, ConfState ConfState) InitialState() => mem.InitialState();

    public StorageResult Entries(ulong lo, ulong hi, long maxSize, out ReadOnlyMemory<Entry> entries) => mem.Entries(lo, hi, maxSize, out entries);

    public StorageResult Term(ulong i, out ulong term) => mem.Term(i, out term);

    public ulong FirstIndex() => mem.FirstIndex();

    public ulong LastIndex() => mem.LastIndex();

    public Snapshot? Snapshot()
    {
        var n = node();
        var cur = mem.Snapshot();
        if (n is not null && n.Applied > cur.Index && n.Applied <= mem.LastIndex())
            return mem.CreateSnapshot(n.Applied, n.Tracker.Config.ToConfState(), new byte[] { 1 });
        return cur;
    }
}

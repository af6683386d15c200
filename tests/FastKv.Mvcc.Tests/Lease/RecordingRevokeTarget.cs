// Stands in for the key space on revoke: records each call's keys and detaches them the way
// the key space does when it deletes a leased key.
using FastKv.Mvcc.Lease;

namespace FastKv.Mvcc.Tests.Lease;

internal sealed class RecordingRevokeTarget(Func<Lessor> lessor, Func<byte[], long> leaseOf) : ILeaseRevokeTarget
{
    private long _revision = 1;
    public List<byte[][]> Calls { get; } = [];

    public long DeleteKeysInOneRevision(IReadOnlyList<byte[]> keys)
    {
        Calls.Add([.. keys]);
        foreach (var key in keys) lessor().Detach(leaseOf(key), key);
        return keys.Count == 0 ? _revision : ++_revision;
    }
}

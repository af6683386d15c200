// What the lessor asks of the key space when a lease is revoked or expires: delete every
// attached key in one revision. The key space implements it; the lessor calls it on the apply thread.
namespace FastKv.Mvcc;

public interface ILeaseRevokeTarget
{
    /// <summary>Deletes the keys in one new revision (none if no key exists); returns that revision.</summary>
    long DeleteKeysInOneRevision(IReadOnlyList<byte[]> keys);
}

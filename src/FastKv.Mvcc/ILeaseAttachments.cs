// What the key space asks of the lessor when a put or delete touches a lease; the lessor
// implements it, the key space calls it on the apply thread.
namespace FastKv.Mvcc;

public interface ILeaseAttachments
{
    bool Exists(long leaseId);
    void Attach(long leaseId, ReadOnlySpan<byte> key);
    void Detach(long leaseId, ReadOnlySpan<byte> key);
}

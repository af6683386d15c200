// One read transaction on the last committed batch, shared by every reader until the next
// commit: beginning a transaction and opening the `key` bucket per request cost more than the
// read itself. Point lookups on a read transaction touch only the immutable map, so concurrent
// readers may share it. Reference-counted: the store holds one reference until the next commit
// replaces it, each reader one while it reads; the last release ends the transaction.
using FastKv.Bolt;
using FastKv.Mvcc.Storage;

namespace FastKv.Mvcc.Kv;

internal sealed class SharedReadTx
{
    private readonly Tx _tx;
    private int _refs = 1;

    public SharedReadTx(Backend backend)
    {
        _tx = backend.BeginRead();
        Keys = _tx.GetBucket(BucketNames.Key) ?? throw new InvalidOperationException("bucket key is missing");
    }

    public Bucket Keys { get; }

    public void AddRef() => Interlocked.Increment(ref _refs);

    public void Release()
    {
        if (Interlocked.Decrement(ref _refs) == 0) _tx.Dispose();
    }
}

// A mutex named by a key prefix whose holders are leases: take a place in the queue with the
// key `name/<lease>` (kept if the lease is already queued), hold the lock once every older
// key is gone. Releasing is deleting the key; the lease ending deletes it too.
using FastKv.Api.Etcdserverpb;
using Google.Protobuf;

namespace FastKv.Server.Concurrency;

internal static class LeaseMutex
{
    public readonly record struct Held(ByteString Key, ResponseHeader Header);

    public static async Task<Held> LockAsync(CallerKeyspace keyspace, ByteString name, long lease, CancellationToken cancel)
    {
        var prefix = ContenderKeys.Prefix(name);
        var key = ContenderKeys.Own(prefix, lease);
        var owner = ContenderKeys.Oldest(prefix);
        var txn = new TxnRequest();
        txn.Compare.Add(ContenderKeys.NotCreated(key));
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = key, Lease = lease } });
        txn.Success.Add(new RequestOp { RequestRange = owner });
        // The lease already queued here (a retry, or a second lock by the same session) keeps its place.
        txn.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = key } });
        txn.Failure.Add(new RequestOp { RequestRange = owner });
        var queued = await keyspace.TxnAsync(txn, cancel).ConfigureAwait(false);

        var myRevision = queued.Succeeded ? queued.Header.Revision : queued.Responses[0].ResponseRange.Kvs[0].CreateRevision;
        var oldest = queued.Responses[1].ResponseRange.Kvs;
        if (oldest.Count == 0 || oldest[0].CreateRevision == myRevision)
            return new Held(key, queued.Header);

        try
        {
            var header = await ContenderQueue.WaitForOlderToLeaveAsync(keyspace, prefix, myRevision - 1, cancel).ConfigureAwait(false);
            return new Held(key, header);
        }
        catch
        {
            // A waiter that gives up leaves the queue, or it would block everyone behind it.
            await LeaveQuietlyAsync(keyspace, key).ConfigureAwait(false);
            throw;
        }
    }

    private static async Task LeaveQuietlyAsync(CallerKeyspace keyspace, ByteString key)
    {
        try
        {
            await keyspace.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
        }
        catch (FastKv.Api.EtcdException)
        {
            // The error that made us leave is the one the caller hears.
        }
    }
}

// An election named by a key prefix: candidates queue as `name/<lease>` with their value, the
// oldest key is the leader and its value the proclamation. A leader is identified by its key
// and that key's create revision, so a stale leader (its key deleted and re-created) can
// neither proclaim nor resign for the new one.
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using FastKv.Api.Mvccpb;
using FastKv.Api.V3electionpb;
using Google.Protobuf;

namespace FastKv.Server.Concurrency;

internal static class LeaseElection
{
    public static async Task<CampaignResponse> CampaignAsync(CallerKeyspace keyspace, ByteString name, long lease, ByteString value, CancellationToken cancel)
    {
        var prefix = ContenderKeys.Prefix(name);
        var key = ContenderKeys.Own(prefix, lease);
        var txn = new TxnRequest();
        txn.Compare.Add(ContenderKeys.NotCreated(key));
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = key, Value = value, Lease = lease } });
        txn.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = key } });
        var queued = await keyspace.TxnAsync(txn, cancel).ConfigureAwait(false);

        var leader = new LeaderKey { Name = name, Key = key, Rev = queued.Header.Revision, Lease = lease };
        if (!queued.Succeeded)
        {
            // Already a candidate under this lease: keep the place, take the new value.
            var existing = queued.Responses[0].ResponseRange.Kvs[0];
            leader.Rev = existing.CreateRevision;
            if (existing.Value != value)
            {
                try
                {
                    await ProclaimAsync(keyspace, leader, value, cancel).ConfigureAwait(false);
                }
                catch (EtcdException e) when (e.Message != EtcdErrors.ElectionNotLeader().Message)
                {
                    await ResignQuietlyAsync(keyspace, leader).ConfigureAwait(false);
                    throw;
                }
            }
        }

        try
        {
            await ContenderQueue.WaitForOlderToLeaveAsync(keyspace, prefix, leader.Rev - 1, cancel).ConfigureAwait(false);
        }
        catch (Exception) when (cancel.IsCancellationRequested)
        {
            // A candidate whose caller went away withdraws; other failures leave the key to its lease.
            await ResignQuietlyAsync(keyspace, leader).ConfigureAwait(false);
            throw;
        }
        return new CampaignResponse { Header = queued.Header, Leader = leader };
    }

    /// <summary>Replaces the leader's value, if <paramref name="leader"/> still leads (its key has the same create revision).</summary>
    public static async Task<ResponseHeader> ProclaimAsync(CallerKeyspace keyspace, LeaderKey leader, ByteString value, CancellationToken cancel)
    {
        var txn = new TxnRequest();
        txn.Compare.Add(ContenderKeys.CreatedAt(leader.Key, leader.Rev));
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = leader.Key, Value = value, Lease = leader.Lease } });
        var response = await keyspace.TxnAsync(txn, cancel).ConfigureAwait(false);
        if (!response.Succeeded) throw EtcdErrors.ElectionNotLeader();
        return response.Header;
    }

    /// <summary>Deletes the leader's key if it is still that leader's; resigning for someone else does nothing.</summary>
    public static async Task<ResponseHeader> ResignAsync(CallerKeyspace keyspace, LeaderKey leader, CancellationToken cancel)
    {
        var txn = new TxnRequest();
        txn.Compare.Add(ContenderKeys.CreatedAt(leader.Key, leader.Rev));
        txn.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = leader.Key } });
        var response = await keyspace.TxnAsync(txn, cancel).ConfigureAwait(false);
        return response.Header;
    }

    public static async Task<LeaderResponse> LeaderAsync(CallerKeyspace keyspace, ByteString name, CancellationToken cancel)
    {
        var oldest = await keyspace.RangeAsync(ContenderKeys.Oldest(ContenderKeys.Prefix(name)), cancel).ConfigureAwait(false);
        if (oldest.Kvs.Count == 0) throw EtcdErrors.ElectionNoLeader();
        return new LeaderResponse { Header = oldest.Header, Kv = oldest.Kvs[0] };
    }

    /// <summary>
    /// The leader and every change of it: the current leader (or the first candidate to appear),
    /// then each new value it proclaims, and after its key is deleted the next leader, until the
    /// token fires or the key space fails (the sequence just ends, as etcd's stream does).
    /// </summary>
    public static async IAsyncEnumerable<LeaderResponse> ObserveAsync(CallerKeyspace keyspace, ByteString name,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancel)
    {
        var prefix = ContenderKeys.Prefix(name);
        while (!cancel.IsCancellationRequested)
        {
            var current = await TryAsync<LeaderResponse>(async () => await CurrentOrFirstAsync(keyspace, prefix, cancel).ConfigureAwait(false)).ConfigureAwait(false);
            if (current is null) yield break;
            yield return current;

            var changes = keyspace.WatchAsync(current.Kv.Key, ByteString.Empty, current.Header.Revision + 1, cancel).GetAsyncEnumerator(cancel);
            try
            {
                var deleted = false;
                while (!deleted)
                {
                    var response = await TryAsync(async () => await changes.MoveNextAsync().ConfigureAwait(false) ? changes.Current : null).ConfigureAwait(false);
                    if (response is null) yield break;
                    foreach (var e in response.Events)
                    {
                        if (e.Type == Event.Types.EventType.Delete)
                        {
                            deleted = true;
                            break;
                        }
                        yield return new LeaderResponse { Header = response.Header, Kv = e.Kv };
                    }
                }
            }
            finally
            {
                await changes.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<LeaderResponse> CurrentOrFirstAsync(CallerKeyspace keyspace, ByteString prefix, CancellationToken cancel)
    {
        var oldest = await keyspace.RangeAsync(ContenderKeys.Oldest(prefix), cancel).ConfigureAwait(false);
        if (oldest.Kvs.Count > 0) return new LeaderResponse { Header = oldest.Header, Kv = oldest.Kvs[0] };

        // No candidate yet: the first key put under the prefix leads. Deletions are skipped.
        await foreach (var response in keyspace.WatchAsync(prefix, ContenderKeys.PrefixEnd(prefix), oldest.Header.Revision, cancel).ConfigureAwait(false))
        {
            foreach (var e in response.Events)
            {
                if (e.Type != Event.Types.EventType.Put) continue;
                var header = response.Header.Clone();
                // The response may span several revisions; this one is the put's.
                header.Revision = e.Kv.ModRevision;
                return new LeaderResponse { Header = header, Kv = e.Kv };
            }
        }
        throw EtcdErrors.WatcherLost();
    }

    // Observe ends quietly on errors of the key space (etcd closes the stream with OK).
    private static async Task<T?> TryAsync<T>(Func<Task<T?>> step) where T : class
    {
        try
        {
            return await step().ConfigureAwait(false);
        }
        catch (EtcdException)
        {
            return null;
        }
    }

    private static async Task ResignQuietlyAsync(CallerKeyspace keyspace, LeaderKey leader)
    {
        try
        {
            await ResignAsync(keyspace, leader, CancellationToken.None).ConfigureAwait(false);
        }
        catch (EtcdException)
        {
            // The error that ended the campaign is the one the caller hears.
        }
    }
}

// The key space as one caller of the lock or election service sees it: the reads, writes,
// lease grants and watches the recipes need, run in-process against the member and checked
// against the caller's own identity, so permissions apply as if the caller made them directly.
using System.Runtime.CompilerServices;
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using FastKv.Api.Mvccpb;
using FastKv.Mvcc.Auth;
using FastKv.Mvcc.Kv;
using FastKv.Server.Member;
using Google.Protobuf;

namespace FastKv.Server.Concurrency;

internal sealed class CallerKeyspace(EtcdMember member, AuthInfo caller)
{
    /// <summary>The TTL of the lease the services grant when a request names none (etcd's session default).</summary>
    public const long SessionTtlSeconds = 60;

    public async Task<TxnResponse> TxnAsync(TxnRequest txn, CancellationToken cancel)
    {
        KvRequestChecks.CheckTxn(txn, member.Config.MaxTxnOps);
        var response = await member.ProposeAsync<TxnResponse>(new InternalRaftRequest { Txn = txn }, cancel, caller).ConfigureAwait(false);
        member.Fill(response.Header ??= new ResponseHeader());
        return response;
    }

    public async Task<RangeResponse> RangeAsync(RangeRequest request, CancellationToken cancel)
    {
        KvRequestChecks.CheckRange(request);
        if (member.Auth.IsEnabled) member.Auth.CheckRequest(caller, request);
        await member.LinearizableReadAsync(cancel).ConfigureAwait(false);
        return member.Fill(member.Kv.Range(request));
    }

    public async Task<DeleteRangeResponse> DeleteAsync(ByteString key, CancellationToken cancel)
    {
        var request = new DeleteRangeRequest { Key = key };
        KvRequestChecks.CheckDeleteRange(request);
        var response = await member.ProposeAsync<DeleteRangeResponse>(new InternalRaftRequest { DeleteRange = request }, cancel, caller).ConfigureAwait(false);
        return member.Fill(response);
    }

    /// <summary>
    /// The lease a request's contender key is bound to: the one it names, or, when it names
    /// none (0), a fresh lease of <see cref="SessionTtlSeconds"/> that nobody keeps alive, as
    /// etcd's services do. A named lease is not checked here: the write that uses it is.
    /// </summary>
    public async Task<long> SessionLeaseAsync(long lease, CancellationToken cancel)
    {
        if (lease != 0) return lease;
        var grant = new LeaseGrantRequest { ID = member.NextLeaseId(), TTL = SessionTtlSeconds };
        var response = await member.ProposeAsync<LeaseGrantResponse>(new InternalRaftRequest { LeaseGrant = grant }, cancel, caller).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(response.Error)) throw new EtcdException(StatusCode.Unknown, response.Error);
        return response.ID;
    }

    /// <summary>
    /// The events of [key, rangeEnd) from <paramref name="startRevision"/> on, one watch response
    /// at a time (headers filled). Ends when the member's watch hub closes the stream; a watch
    /// the hub cancels (compaction) ends with the error a client would see.
    /// </summary>
    public async IAsyncEnumerable<WatchResponse> WatchAsync(ByteString key, ByteString rangeEnd, long startRevision,
        [EnumeratorCancellation] CancellationToken cancel)
    {
        if (member.Auth.IsEnabled) member.Auth.CheckWatch(caller, key.Span, rangeEnd.Span);
        using var stream = member.Watch.OpenStream();
        stream.Create(new WatchCreateRequest { Key = key, RangeEnd = rangeEnd, StartRevision = startRevision });
        while (await stream.WaitToReadAsync(cancel).ConfigureAwait(false))
        {
            while (stream.TryRead(out var response))
            {
                if (response.Canceled)
                {
                    if (response.CompactRevision != 0) throw EtcdErrors.Compacted();
                    throw new EtcdException(StatusCode.Unknown, string.IsNullOrEmpty(response.CancelReason) ? "watch canceled" : response.CancelReason);
                }
                if (response.Events.Count == 0) continue;
                yield return member.Fill(response);
            }
        }
    }

    /// <summary>Waits until <paramref name="key"/> is deleted at or after <paramref name="fromRevision"/>.</summary>
    public async Task WaitForDeleteAsync(ByteString key, long fromRevision, CancellationToken cancel)
    {
        await foreach (var response in WatchAsync(key, ByteString.Empty, fromRevision, cancel).ConfigureAwait(false))
        {
            foreach (var e in response.Events)
                if (e.Type == Event.Types.EventType.Delete) return;
        }
        cancel.ThrowIfCancellationRequested();
        throw EtcdErrors.WatcherLost();
    }
}

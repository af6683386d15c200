// v3lockpb.Lock: a lock per name, held by a lease, for clients that would rather not run the
// mutex recipe themselves. The recipe runs here over the member's own key space, as the caller.
using FastKv.Api;
using FastKv.Api.V3lockpb;
using FastKv.Grpc.Server;
using FastKv.Server.Concurrency;
using FastKv.Server.Member;

namespace FastKv.Server.Services;

public sealed class LockService(EtcdMember member)
{
    private const string Service = "v3lockpb.Lock";

    public void Register(MethodTable methods)
    {
        methods.AddUnary<LockRequest, LockResponse>(Service, "Lock", LockRequest.Parser, Lock);
        methods.AddUnary<UnlockRequest, UnlockResponse>(Service, "Unlock", UnlockRequest.Parser, Unlock);
    }

    private async ValueTask<LockResponse> Lock(LockRequest request, CallContext call)
    {
        try
        {
            var keyspace = new CallerKeyspace(member, member.Caller(call.GetMetadata("token")));
            var lease = await keyspace.SessionLeaseAsync(request.Lease, call.CancellationToken).ConfigureAwait(false);
            var held = await LeaseMutex.LockAsync(keyspace, request.Name, lease, call.CancellationToken).ConfigureAwait(false);
            return new LockResponse { Header = held.Header, Key = held.Key };
        }
        catch (EtcdException e)
        {
            throw EtcdErrors.AsSeenThroughClient(e);
        }
    }

    private async ValueTask<UnlockResponse> Unlock(UnlockRequest request, CallContext call)
    {
        try
        {
            var keyspace = new CallerKeyspace(member, member.Caller(call.GetMetadata("token")));
            var deleted = await keyspace.DeleteAsync(request.Key, call.CancellationToken).ConfigureAwait(false);
            return new UnlockResponse { Header = deleted.Header };
        }
        catch (EtcdException e)
        {
            throw EtcdErrors.AsSeenThroughClient(e);
        }
    }
}

// v3lockpb.Lock: a lock per name, held by a lease, for clients that would rather not run the
// mutex recipe themselves. The recipe runs here over the member's own key space, as the caller.
// The public methods serve gRPC and any other front end (the JSON gateway's /v3/lock/*); the caller
// is the token's user, else the client certificate's CommonName, as for every other service.
using FastKv.Api.V3lockpb;
using FastKv.Grpc.Server;
using FastKv.Server.Concurrency;
using FastKv.Server.Member;
using System.Security.Cryptography.X509Certificates;

namespace FastKv.Server.Services;

public sealed class LockService(EtcdMember member)
{
    private const string Service = "v3lockpb.Lock";

    public void Register(MethodTable methods)
    {
        methods.AddUnary<LockRequest, LockResponse>(Service, "Lock", LockRequest.Parser,
            async (request, call) =>
            {
                // A waiting Lock may wait forever; it gives up its place when the host stops.
                using var wait = call.UntilHostStops();
                return await LockAsync(request, EtcdMember.TokenOf(call), call.ClientCertificate, wait.Token).ConfigureAwait(false);
            });
        methods.AddUnary<UnlockRequest, UnlockResponse>(Service, "Unlock", UnlockRequest.Parser,
            (request, call) => new ValueTask<UnlockResponse>(UnlockAsync(request, EtcdMember.TokenOf(call), call.ClientCertificate, call.CancellationToken)));
    }

    /// <summary>Waits until the lease holds the lock named in the request; cancelling gives up the place in the queue.</summary>
    public async Task<LockResponse> LockAsync(LockRequest request, string? token, X509Certificate2? clientCertificate, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await RecipeErrors.SeenThroughClientAsync(async () =>
        {
            var keyspace = new CallerKeyspace(member, member.Caller(token, clientCertificate));
            var lease = await keyspace.SessionLeaseAsync(request.Lease, cancel).ConfigureAwait(false);
            var held = await LeaseMutex.LockAsync(keyspace, request.Name, lease, cancel).ConfigureAwait(false);
            return new LockResponse { Header = held.Header, Key = held.Key };
        }).ConfigureAwait(false);
    }

    public async Task<UnlockResponse> UnlockAsync(UnlockRequest request, string? token, X509Certificate2? clientCertificate, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await RecipeErrors.SeenThroughClientAsync(async () =>
        {
            var keyspace = new CallerKeyspace(member, member.Caller(token, clientCertificate));
            var deleted = await keyspace.DeleteAsync(request.Key, cancel).ConfigureAwait(false);
            return new UnlockResponse { Header = deleted.Header };
        }).ConfigureAwait(false);
    }
}

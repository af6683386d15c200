// etcdserverpb.Lease: grants and revocations go through Raft (every member must agree which
// leases exist); keep-alives, time-to-live and listing are answered by the leader's lessor,
// which alone runs the lease clocks.
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using FastKv.Grpc;
using FastKv.Grpc.Server;
using FastKv.Mvcc.Lease;
using FastKv.Server.Member;

namespace FastKv.Server.Services;

public sealed class LeaseService(EtcdMember member)
{
    private const string Service = "etcdserverpb.Lease";

    public void Register(MethodTable methods)
    {
        methods.AddUnary<LeaseGrantRequest, LeaseGrantResponse>(Service, "LeaseGrant", LeaseGrantRequest.Parser, Grant);
        methods.AddUnary<LeaseRevokeRequest, LeaseRevokeResponse>(Service, "LeaseRevoke", LeaseRevokeRequest.Parser, Revoke);
        methods.AddDuplexStreaming<LeaseKeepAliveRequest, LeaseKeepAliveResponse>(Service, "LeaseKeepAlive", LeaseKeepAliveRequest.Parser, KeepAlive);
        methods.AddUnary<LeaseTimeToLiveRequest, LeaseTimeToLiveResponse>(Service, "LeaseTimeToLive", LeaseTimeToLiveRequest.Parser, TimeToLive);
        methods.AddUnary<LeaseLeasesRequest, LeaseLeasesResponse>(Service, "LeaseLeases", LeaseLeasesRequest.Parser, Leases);
    }

    private async ValueTask<LeaseGrantResponse> Grant(LeaseGrantRequest request, CallContext call)
    {
        if (request.TTL > Lessor.MaxLeaseTtl) throw EtcdErrors.LeaseTtlTooLarge();
        // The ID is chosen before proposing so every member grants the same lease.
        if (request.ID == 0) request.ID = member.NextLeaseId();
        var response = await member.ProposeAsync<LeaseGrantResponse>(new InternalRaftRequest { LeaseGrant = request }, call.CancellationToken, member.Caller(call)).ConfigureAwait(false);
        return member.Fill(response);
    }

    private async ValueTask<LeaseRevokeResponse> Revoke(LeaseRevokeRequest request, CallContext call)
    {
        var response = await member.ProposeAsync<LeaseRevokeResponse>(new InternalRaftRequest { LeaseRevoke = request }, call.CancellationToken, member.Caller(call)).ConfigureAwait(false);
        return member.Fill(response);
    }

    private async Task KeepAlive(MessageReader<LeaseKeepAliveRequest> requests, MessageWriter<LeaseKeepAliveResponse> responses, CallContext call)
    {
        while (await requests.MoveNextAsync().ConfigureAwait(false))
        {
            var id = requests.Current.ID;
            LeaseKeepAliveResponse response;
            try
            {
                response = member.Lessor.Renew(id);
            }
            catch (EtcdException e) when (e.Code == StatusCode.NotFound)
            {
                // etcd answers a keep-alive for an unknown lease with TTL 0 rather than an error.
                response = new LeaseKeepAliveResponse { ID = id, TTL = 0 };
            }
            await responses.WriteAsync(member.Fill(response), call.CancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask<LeaseTimeToLiveResponse> TimeToLive(LeaseTimeToLiveRequest request, CallContext call)
    {
        await member.LinearizableReadAsync(call.CancellationToken).ConfigureAwait(false);
        var response = member.Lessor.TimeToLive(request.ID, request.Keys);
        return member.Fill(response);
    }

    private async ValueTask<LeaseLeasesResponse> Leases(LeaseLeasesRequest request, CallContext call)
    {
        await member.LinearizableReadAsync(call.CancellationToken).ConfigureAwait(false);
        var response = member.Lessor.Leases();
        return member.Fill(response);
    }
}

// v3electionpb.Election: campaign, proclaim, resign, ask for or observe the leader of a named
// election. The election recipe runs here over the member's own key space, as the caller.
using FastKv.Api;
using FastKv.Api.V3electionpb;
using FastKv.Grpc;
using FastKv.Grpc.Server;
using FastKv.Server.Concurrency;
using FastKv.Server.Member;

namespace FastKv.Server.Services;

public sealed class ElectionService(EtcdMember member)
{
    private const string Service = "v3electionpb.Election";

    public void Register(MethodTable methods)
    {
        methods.AddUnary<CampaignRequest, CampaignResponse>(Service, "Campaign", CampaignRequest.Parser, Campaign);
        methods.AddUnary<ProclaimRequest, ProclaimResponse>(Service, "Proclaim", ProclaimRequest.Parser, Proclaim);
        methods.AddUnary<LeaderRequest, LeaderResponse>(Service, "Leader", LeaderRequest.Parser, Leader);
        methods.AddServerStreaming<LeaderRequest, LeaderResponse>(Service, "Observe", LeaderRequest.Parser, Observe);
        methods.AddUnary<ResignRequest, ResignResponse>(Service, "Resign", ResignRequest.Parser, Resign);
    }

    private CallerKeyspace KeyspaceOf(CallContext call) => new(member, member.Caller(call.GetMetadata("token")));

    private async ValueTask<CampaignResponse> Campaign(CampaignRequest request, CallContext call)
    {
        try
        {
            var keyspace = KeyspaceOf(call);
            var lease = await keyspace.SessionLeaseAsync(request.Lease, call.CancellationToken).ConfigureAwait(false);
            return await LeaseElection.CampaignAsync(keyspace, request.Name, lease, request.Value, call.CancellationToken).ConfigureAwait(false);
        }
        catch (EtcdException e)
        {
            throw EtcdErrors.AsSeenThroughClient(e);
        }
    }

    private async ValueTask<ProclaimResponse> Proclaim(ProclaimRequest request, CallContext call)
    {
        if (request.Leader is null) throw EtcdErrors.ElectionMissingLeaderKey();
        try
        {
            var keyspace = KeyspaceOf(call);
            // etcd binds the proclaimed value to a fresh lease when the leader key names none.
            var leader = request.Leader.Clone();
            leader.Lease = await keyspace.SessionLeaseAsync(leader.Lease, call.CancellationToken).ConfigureAwait(false);
            var header = await LeaseElection.ProclaimAsync(keyspace, leader, request.Value, call.CancellationToken).ConfigureAwait(false);
            return new ProclaimResponse { Header = header };
        }
        catch (EtcdException e)
        {
            throw EtcdErrors.AsSeenThroughClient(e);
        }
    }

    private async ValueTask<ResignResponse> Resign(ResignRequest request, CallContext call)
    {
        if (request.Leader is null) throw EtcdErrors.ElectionMissingLeaderKey();
        try
        {
            var keyspace = KeyspaceOf(call);
            // Like etcd, a leader key without a lease still opens a session (a granted, unused lease).
            await keyspace.SessionLeaseAsync(request.Leader.Lease, call.CancellationToken).ConfigureAwait(false);
            var header = await LeaseElection.ResignAsync(keyspace, request.Leader, call.CancellationToken).ConfigureAwait(false);
            return new ResignResponse { Header = header };
        }
        catch (EtcdException e)
        {
            throw EtcdErrors.AsSeenThroughClient(e);
        }
    }

    private async ValueTask<LeaderResponse> Leader(LeaderRequest request, CallContext call)
    {
        try
        {
            return await LeaseElection.LeaderAsync(KeyspaceOf(call), request.Name, call.CancellationToken).ConfigureAwait(false);
        }
        catch (EtcdException e)
        {
            throw EtcdErrors.AsSeenThroughClient(e);
        }
    }

    private async Task Observe(LeaderRequest request, MessageWriter<LeaderResponse> responses, CallContext call)
    {
        var cancel = call.CancellationToken;
        await foreach (var change in LeaseElection.ObserveAsync(KeyspaceOf(call), request.Name, cancel).ConfigureAwait(false))
            await responses.WriteAsync(change, cancel).ConfigureAwait(false);
        // The observation ends only with the call: a stream the key space closed ends with OK, as etcd's does.
        cancel.ThrowIfCancellationRequested();
    }
}

// v3electionpb.Election: campaign, proclaim, resign, ask for or observe the leader of a named
// election. The election recipe runs here over the member's own key space, as the caller.
// The public methods serve gRPC and any other front end (the JSON gateway's /v3/election/*).
using FastKv.Api;
using FastKv.Api.V3electionpb;
using FastKv.Grpc;
using FastKv.Grpc.Server;
using FastKv.Server.Concurrency;
using FastKv.Server.Member;
using System.Security.Cryptography.X509Certificates;

namespace FastKv.Server.Services;

public sealed class ElectionService(EtcdMember member)
{
    private const string Service = "v3electionpb.Election";

    public void Register(MethodTable methods)
    {
        methods.AddUnary<CampaignRequest, CampaignResponse>(Service, "Campaign", CampaignRequest.Parser,
            async (request, call) =>
            {
                // A waiting Campaign may wait forever; it withdraws when the host stops.
                using var wait = call.UntilHostStops();
                return await CampaignAsync(request, EtcdMember.TokenOf(call), call.ClientCertificate, wait.Token).ConfigureAwait(false);
            });
        methods.AddUnary<ProclaimRequest, ProclaimResponse>(Service, "Proclaim", ProclaimRequest.Parser,
            (request, call) => new ValueTask<ProclaimResponse>(ProclaimAsync(request, EtcdMember.TokenOf(call), call.ClientCertificate, call.CancellationToken)));
        methods.AddUnary<LeaderRequest, LeaderResponse>(Service, "Leader", LeaderRequest.Parser,
            (request, call) => new ValueTask<LeaderResponse>(LeaderAsync(request, EtcdMember.TokenOf(call), call.ClientCertificate, call.CancellationToken)));
        methods.AddServerStreaming<LeaderRequest, LeaderResponse>(Service, "Observe", LeaderRequest.Parser, Observe);
        methods.AddUnary<ResignRequest, ResignResponse>(Service, "Resign", ResignRequest.Parser,
            (request, call) => new ValueTask<ResignResponse>(ResignAsync(request, EtcdMember.TokenOf(call), call.ClientCertificate, call.CancellationToken)));
    }

    private CallerKeyspace KeyspaceOf(string? token, X509Certificate2? clientCertificate) => new(member, member.Caller(token, clientCertificate));

    /// <summary>Waits until the lease's candidacy leads the election; cancelling withdraws it.</summary>
    public async Task<CampaignResponse> CampaignAsync(CampaignRequest request, string? token, X509Certificate2? clientCertificate, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await RecipeErrors.SeenThroughClientAsync(async () =>
        {
            var keyspace = KeyspaceOf(token, clientCertificate);
            var lease = await keyspace.SessionLeaseAsync(request.Lease, cancel).ConfigureAwait(false);
            return await LeaseElection.CampaignAsync(keyspace, request.Name, lease, request.Value, cancel).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    public async Task<ProclaimResponse> ProclaimAsync(ProclaimRequest request, string? token, X509Certificate2? clientCertificate, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Leader is null) throw EtcdErrors.ElectionMissingLeaderKey();
        return await RecipeErrors.SeenThroughClientAsync(async () =>
        {
            var keyspace = KeyspaceOf(token, clientCertificate);
            // etcd binds the proclaimed value to a fresh lease when the leader key names none.
            var leader = request.Leader.Clone();
            leader.Lease = await keyspace.SessionLeaseAsync(leader.Lease, cancel).ConfigureAwait(false);
            var header = await LeaseElection.ProclaimAsync(keyspace, leader, request.Value, cancel).ConfigureAwait(false);
            return new ProclaimResponse { Header = header };
        }).ConfigureAwait(false);
    }

    public async Task<ResignResponse> ResignAsync(ResignRequest request, string? token, X509Certificate2? clientCertificate, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Leader is null) throw EtcdErrors.ElectionMissingLeaderKey();
        return await RecipeErrors.SeenThroughClientAsync(async () =>
        {
            var keyspace = KeyspaceOf(token, clientCertificate);
            // Like etcd, a leader key without a lease still opens a session (a granted, unused lease).
            await keyspace.SessionLeaseAsync(request.Leader.Lease, cancel).ConfigureAwait(false);
            var header = await LeaseElection.ResignAsync(keyspace, request.Leader, cancel).ConfigureAwait(false);
            return new ResignResponse { Header = header };
        }).ConfigureAwait(false);
    }

    public async Task<LeaderResponse> LeaderAsync(LeaderRequest request, string? token, X509Certificate2? clientCertificate, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await RecipeErrors.SeenThroughClientAsync(
            () => LeaseElection.LeaderAsync(KeyspaceOf(token, clientCertificate), request.Name, cancel)).ConfigureAwait(false);
    }

    /// <summary>
    /// The leader now (or the first candidate) and every change after, until the token fires;
    /// ends early, without an error, if the key space fails (a refused token or permission
    /// included), as etcd's stream does.
    /// </summary>
    public IAsyncEnumerable<LeaderResponse> ObserveAsync(LeaderRequest request, string? token, X509Certificate2? clientCertificate, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(request);
        CallerKeyspace keyspace;
        try
        {
            keyspace = KeyspaceOf(token, clientCertificate);
        }
        catch (EtcdException)
        {
            return AsyncEnumerable.Empty<LeaderResponse>();
        }
        return LeaseElection.ObserveAsync(keyspace, request.Name, cancel);
    }

    private async Task Observe(LeaderRequest request, MessageWriter<LeaderResponse> responses, CallContext call)
    {
        var cancel = call.CancellationToken;
        await foreach (var change in ObserveAsync(request, EtcdMember.TokenOf(call), call.ClientCertificate, cancel).ConfigureAwait(false))
            await responses.WriteAsync(change, cancel).ConfigureAwait(false);
        // The observation ends only with the call: a stream the key space closed ends with OK, as etcd's does.
        cancel.ThrowIfCancellationRequested();
    }
}

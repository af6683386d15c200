// The lock, election and lease calls the lock/election tests make, over the project's gRPC
// client, against any server (FastKv or the real etcd). Every call carries a time limit.
using FastKv.Api.Etcdserverpb;
using FastKv.Api.V3electionpb;
using FastKv.Api.V3lockpb;
using FastKv.Grpc.Client;
using Google.Protobuf;

namespace FastKv.Server.Tests.Support;

internal sealed class ConcurrencyCalls(string endpoint, string? token = null) : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);
    private readonly GrpcClient _client = new(new Uri("http://" + endpoint));

    private CallOptions Options(CancellationToken cancel) => new()
    {
        Timeout = Limit,
        CancellationToken = cancel,
        Metadata = token is null ? null : [new KeyValuePair<string, string>("token", token)],
    };

    /// <summary>A token for the user, from the server's Auth service.</summary>
    public async Task<string> AuthenticateAsync(string name, string password)
    {
        var response = await _client.UnaryAsync("/etcdserverpb.Auth/Authenticate", new AuthenticateRequest { Name = name, Password = password }, AuthenticateResponse.Parser, Options(default));
        return response.Token;
    }

    public static ByteString Bytes(string s) => ByteString.CopyFromUtf8(s);

    public Task<LockResponse> LockAsync(string name, long lease, CancellationToken cancel = default) =>
        _client.UnaryAsync("/v3lockpb.Lock/Lock", new LockRequest { Name = Bytes(name), Lease = lease }, LockResponse.Parser, Options(cancel));

    public Task<UnlockResponse> UnlockAsync(ByteString key) =>
        _client.UnaryAsync("/v3lockpb.Lock/Unlock", new UnlockRequest { Key = key }, UnlockResponse.Parser, Options(default));

    public Task<CampaignResponse> CampaignAsync(string name, long lease, string value, CancellationToken cancel = default) =>
        _client.UnaryAsync("/v3electionpb.Election/Campaign", new CampaignRequest { Name = Bytes(name), Lease = lease, Value = Bytes(value) }, CampaignResponse.Parser, Options(cancel));

    public Task<ProclaimResponse> ProclaimAsync(LeaderKey? leader, string value) =>
        _client.UnaryAsync("/v3electionpb.Election/Proclaim", new ProclaimRequest { Leader = leader, Value = Bytes(value) }, ProclaimResponse.Parser, Options(default));

    public Task<LeaderResponse> LeaderAsync(string name) =>
        _client.UnaryAsync("/v3electionpb.Election/Leader", new LeaderRequest { Name = Bytes(name) }, LeaderResponse.Parser, Options(default));

    public Task<ResignResponse> ResignAsync(LeaderKey? leader) =>
        _client.UnaryAsync("/v3electionpb.Election/Resign", new ResignRequest { Leader = leader }, ResignResponse.Parser, Options(default));

    /// <summary>An Observe stream; dispose it to end the observation.</summary>
    public ServerStreamingCall<LeaderResponse> Observe(string name, CancellationToken cancel) =>
        _client.ServerStreaming("/v3electionpb.Election/Observe", new LeaderRequest { Name = Bytes(name) }, LeaderResponse.Parser,
            Options(cancel) with { Timeout = null });

    public async Task<long> GrantAsync(long ttl)
    {
        var grant = await _client.UnaryAsync("/etcdserverpb.Lease/LeaseGrant", new LeaseGrantRequest { TTL = ttl }, LeaseGrantResponse.Parser, Options(default));
        return grant.ID;
    }

    public Task<LeaseRevokeResponse> RevokeAsync(long lease) =>
        _client.UnaryAsync("/etcdserverpb.Lease/LeaseRevoke", new LeaseRevokeRequest { ID = lease }, LeaseRevokeResponse.Parser, Options(default));

    public Task<LeaseTimeToLiveResponse> TimeToLiveAsync(long lease) =>
        _client.UnaryAsync("/etcdserverpb.Lease/LeaseTimeToLive", new LeaseTimeToLiveRequest { ID = lease }, LeaseTimeToLiveResponse.Parser, Options(default));

    public Task<RangeResponse> PrefixAsync(string prefix)
    {
        var end = Bytes(prefix).ToByteArray();
        end[^1]++;
        return _client.UnaryAsync("/etcdserverpb.KV/Range", new RangeRequest { Key = Bytes(prefix), RangeEnd = ByteString.CopyFrom(end) }, RangeResponse.Parser, Options(default));
    }

    public async Task<long> RevisionAsync() => (await PrefixAsync("\u0001").ConfigureAwait(false)).Header.Revision;

    public void Dispose() => _client.Dispose();
}

// One member, assembled: the page file and multi-version store, the WAL and Raft loop, the
// request waiters and read queue. Services talk to the member only through this class:
// propose a request and await its applied response, wait for a linearizable read point, fill
// response headers.
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using FastKv.Mvcc.Alarm;
using FastKv.Mvcc.Auth;
using FastKv.Mvcc.Kv;
using FastKv.Mvcc.Lease;
using FastKv.Mvcc.Watch;
using FastKv.Mvcc.Storage;
using FastKv.Raft;
using FastKv.Server.Config;
using FastKv.Server.Logging;
using FastKv.Server.Metrics;
using FastKv.Wal;
using Google.Protobuf;
using System.Security.Cryptography.X509Certificates;
using FastKv.Grpc.Server;
using FastKv.Server.Tls;

namespace FastKv.Server.Member;

public sealed class EtcdMember : IDisposable
{
    private readonly ServerConfig _config;
    private readonly JsonLog _log;
    private readonly DurableLog _durableLog;
    private readonly RaftLoop _loop;
    private readonly RequestWaiters _waiters;
    private readonly ReadIndexQueue _reads;
    private readonly TimeSpan _requestTimeout;

    private readonly LeaseIdGenerator _leaseIds;

    private EtcdMember(ServerConfig config, JsonLog log, ulong memberId, ulong clusterId, Backend backend, KvStore kv, Lessor lessor, WatchHub watch, AlarmStore alarms, AuthStore auth,
        DurableLog durableLog, RaftLoop loop, RequestWaiters waiters, ReadIndexQueue reads, IReadOnlyList<MemberInfo> members, MemberMetrics metrics)
    {
        Metrics = metrics;
        _reads = reads;
        _config = config;
        _log = log;
        MemberId = memberId;
        ClusterId = clusterId;
        Backend = backend;
        Kv = kv;
        Lessor = lessor;
        Watch = watch;
        Alarms = alarms;
        Auth = auth;
        Quota = BackendQuota.FromFlag(config.QuotaBackendBytes);
        _leaseIds = new LeaseIdGenerator(memberId);
        _durableLog = durableLog;
        _loop = loop;
        _waiters = waiters;
        Members = members;
        _requestTimeout = TimeSpan.FromSeconds(5) + 2 * config.ElectionTimeout;
    }

    public ulong MemberId { get; }
    public ulong ClusterId { get; }
    public Backend Backend { get; }
    public KvStore Kv { get; }
    public Lessor Lessor { get; }
    public WatchHub Watch { get; }
    public AlarmStore Alarms { get; }
    public AuthStore Auth { get; }
    public BackendQuota Quota { get; }
    public IReadOnlyList<MemberInfo> Members { get; }
    public RaftStatus Raft => _loop.Status;
    public ServerConfig Config => _config;
    public MemberMetrics Metrics { get; }
    public WalStatistics WalStatistics => _durableLog.Wal.Statistics;

    /// <summary>The member's log, for services that report what they do (defragmentation).</summary>
    public JsonLog Log => _log;

    public static EtcdMember Start(ServerConfig config, JsonLog log, MemberMetrics? metrics = null)
    {
        metrics ??= new MemberMetrics();
        var peers = config.InitialCluster.GroupBy(m => m.Name)
            .Select(g => new MemberInfo
            {
                Id = MemberIds.ForMember(g.Select(m => m.PeerUrl.OriginalString), config.InitialClusterToken),
                Name = g.Key,
                PeerUrls = g.Select(m => m.PeerUrl.OriginalString).ToArray(),
            }).ToList();
        if (peers.Count > 1)
            throw new FlagParseException("this build serves single-member clusters only; the peer transport is not available yet");
        var self = peers.Single(p => p.Name == config.Name) with
        {
            ClientUrls = config.AdvertiseClientUrls.Select(u => u.OriginalString).ToArray(),
        };
        var clusterId = MemberIds.ForCluster(peers.Select(p => p.Id));

        if (config.InitialClusterState == "existing" && !WriteAheadLog.Exists(config.EffectiveWalDir))
            throw new FlagParseException("--initial-cluster-state=existing joins a running cluster through its peers, which this build cannot reach yet (no peer transport); start with 'new' or from an existing data dir");
        Directory.CreateDirectory(config.SnapDir);
        var durableLog = DurableLog.OpenOrCreate(config.EffectiveWalDir, config.SnapDir,
            new MemberMetadata(self.Id, clusterId), peers.Select(p => p.Id).ToArray(),
            new WalOptions { SyncCompleted = d => { metrics.WalFsync.Observe(d); if (d > TimeSpan.FromSeconds(1)) log.For("wal").Warn("slow fdatasync", ("took", d), ("expected-duration", TimeSpan.FromSeconds(1))); } });
        Backend? backend = null;
        try
        {
            var memberId = durableLog.Metadata.NodeId;
            clusterId = durableLog.Metadata.ClusterId;
            backend = Backend.Open(config.DbPath, new BackendOptions
            {
                BatchLimit = config.BackendBatchLimit > 0 ? config.BackendBatchLimit : 10_000,
                BatchInterval = config.BackendBatchInterval > TimeSpan.Zero ? config.BackendBatchInterval : TimeSpan.FromMilliseconds(100),
            });
            backend.CommitObserver = metrics.BackendCommit.Observe;
            var members = SaveMembership(backend, self, durableLog.IsFresh, durableLog.Storage.Snapshot().ConfState.Voters, config.EtcdClusterVersion + ".0");
            var lessor = new Lessor(backend, new LessorOptions { MinTtlSeconds = LessorOptions.MinTtlFor(config.HeartbeatInterval, config.ElectionTicks) });
            var kv = new KvStore(backend, null, lessor);
            lessor.RevokeTarget = kv;
            var watch = new WatchHub(kv, new WatchHubOptions { MaxRequestBytes = config.MaxRequestBytes });
            kv.WatchSink = watch;
            var waiters = new RequestWaiters(memberId, TimeProvider.System);
            var alarms = new AlarmStore(backend);
            var auth = new AuthStore(backend, new AuthStoreOptions { TokenTtl = TimeSpan.FromSeconds(config.AuthTokenTtlSeconds), BcryptCost = config.BcryptCost });
            var machine = new Applier(backend, kv, lessor, alarms, auth, waiters, log.For("etcdserver"), config.ElectionTimeout, metrics);
            var storage = durableLog.Storage;
            var node = new RaftNode(new RaftConfig
            {
                Id = memberId,
                ElectionTick = config.ElectionTicks,
                HeartbeatTick = 1,
                Applied = durableLog.SnapshotIndex,
                MaxSizePerMsg = 1024 * 1024,
                MaxInflightMsgs = 512,
                CheckQuorum = true,
                PreVote = config.PreVote,
                Logger = new RaftLogAdapter(log.For("raft")),
            }, storage);
            var reads = new ReadIndexQueue();
            var loop = new RaftLoop(node, durableLog, machine, waiters, reads, log.For("raft"),
                config.HeartbeatInterval, config.SnapshotCount, config.MaxSnapshots, config.MaxWals);
            loop.LeaderChanged += metrics.ObserveLeader;
            var member = new EtcdMember(config, log, memberId, clusterId, backend, kv, lessor, watch, alarms, auth, durableLog, loop, waiters, reads, members, metrics);
            machine.ProposeInternal = member.ProposeInBackground;
            loop.Start();
            return member;
        }
        catch
        {
            backend?.Dispose();
            durableLog.Dispose();
            throw;
        }
    }

    // Bootstrap records the member in the `members` bucket and the cluster version, as etcd does.
    // The Raft configuration decides who is a member: a data dir made by `etcdctl snapshot restore`
    // keeps the old cluster's members in the page file (etcd 3.4 reads membership from its v2
    // store instead), so entries for IDs that are not voters of the snapshot are dropped.
    private static IReadOnlyList<MemberInfo> SaveMembership(Backend backend, MemberInfo self, bool fresh, IReadOnlyCollection<ulong> voters, string clusterVersion)
    {
        var members = new List<MemberInfo>();
        using (var tx = backend.BeginRead())
        {
            tx.GetBucket(BucketNames.Members)?.ForEach((k, v) => members.Add(MemberInfo.FromJson(v)));
        }
        var stale = voters.Count == 0 ? [] : members.Where(m => m.Id != self.Id && !voters.Contains(m.Id)).ToList();
        foreach (var m in stale)
        {
            members.Remove(m);
            backend.Delete(BucketNames.Members, MemberIds.BucketKey(m.Id));
        }
        var existing = members.FindIndex(m => m.Id == self.Id);
        if (stale.Count > 0 || existing < 0 || fresh || !members[existing].ToJson().AsSpan().SequenceEqual(self.ToJson()))
        {
            if (existing >= 0) members[existing] = self;
            else members.Add(self);
            backend.Put(BucketNames.Members, MemberIds.BucketKey(self.Id), self.ToJson());
            backend.Put(BucketNames.Cluster, "clusterVersion"u8, System.Text.Encoding.ASCII.GetBytes(clusterVersion));
            backend.Commit();
        }
        return members;
    }

    /// <summary>Completes a response header as etcd does: identity and term, and the current revision unless the store set one.</summary>
    public ResponseHeader Fill(ResponseHeader? header)
    {
        header ??= new ResponseHeader();
        if (header.Revision == 0) header.Revision = Kv.CurrentRevision;
        header.ClusterId = ClusterId;
        header.MemberId = MemberId;
        header.RaftTerm = _loop.Status.Term;
        return header;
    }

    /// <summary>Fills the header of a response, creating it when the producer left it out.</summary>
    public T Fill<T>(T response) where T : IHasResponseHeader
    {
        response.Header = Fill(response.Header);
        return response;
    }

    /// <summary>Proposes a request through Raft and returns the response its apply produced.</summary>
    public async Task<T> ProposeAsync<T>(InternalRaftRequest request, CancellationToken cancel, AuthInfo auth = default) where T : class
    {
        EnsureQuota(request);
        var (id, data) = Encode(request, auth);
        if (data.Length > _config.MaxRequestBytes)
            throw EtcdErrors.RequestTooLarge();
        var applied = _waiters.Register(id);
        Metrics.ProposalsPending.Inc();
        try
        {
            _loop.Propose(id, data);
            var result = await applied.WaitAsync(_requestTimeout, cancel).ConfigureAwait(false);
            return result as T ?? throw new EtcdException(StatusCode.Internal, $"etcdserver: unexpected response {result.GetType().Name}");
        }
        catch (TimeoutException)
        {
            _waiters.Forget(id);
            Metrics.ProposalsFailed.Inc();
            throw EtcdErrors.Timeout();
        }
        catch (OperationCanceledException)
        {
            _waiters.Forget(id);
            Metrics.ProposalsFailed.Inc();
            throw;
        }
        catch (EtcdException e) when (IsProposalFailure(e))
        {
            _waiters.Forget(id);
            Metrics.ProposalsFailed.Inc();
            throw;
        }
        finally
        {
            Metrics.ProposalsPending.Dec();
        }
    }

    // A proposal that never reached apply (no leader, stopping) failed; an error the apply
    // produced (key not found, permission denied) is an answer, not a failed proposal.
    private static bool IsProposalFailure(EtcdException e) =>
        e.Message is "etcdserver: no leader" or "etcdserver: server stopped";

    public long NextLeaseId() => _leaseIds.Next();

    /// <summary>Commits the backend's open batch (on the apply thread), so a reader opened afterwards sees everything applied.</summary>
    public Task CommitBackendAsync() => _loop.RunOnApplyThread(Backend.Commit);

    /// <summary>Who a call acts for: nobody while auth is off, else the user behind its token.</summary>
    public AuthInfo Caller(string? token) => Caller(token, null);

    /// <summary>
    /// Who a call acts for: nobody while auth is off, else the user behind its token; without a
    /// token and with --client-cert-auth, the CommonName of the verified client certificate.
    /// </summary>
    public AuthInfo Caller(string? token, X509Certificate2? clientCertificate)
    {
        if (!Auth.IsEnabled) return default;
        if (token is not null) return Auth.AuthInfoFromToken(token);
        if (clientCertificate is null || !_config.ClientTls.ClientCertAuth) return default;
        return new AuthInfo(CertificateUser.CommonName(clientCertificate), Auth.Revision);
    }

    public AuthInfo Caller(CallContext call) => Caller(TokenOf(call), call.ClientCertificate);

    /// <summary>The auth token a call carries: etcd reads `token` metadata, then `authorization` (what the JSON gateway and swagger clients send).</summary>
    public static string? TokenOf(CallContext call) => call.GetMetadata("token") ?? call.GetMetadata("authorization");

    /// <summary>
    /// The API-side quota check etcd makes before proposing a request that adds data: over the
    /// quota, the member raises the NOSPACE alarm (through Raft) and refuses the request.
    /// </summary>
    public void EnsureQuota(InternalRaftRequest request)
    {
        // Only requests that add data (puts, txns with puts, lease grants) are held to the quota.
        if (BackendQuota.Cost(request) == 0 || Quota.CanAccept(request, Backend.Size)) return;
        if (!Alarms.IsActive(FastKv.Api.Etcdserverpb.AlarmType.Nospace))
            ProposeInBackground(new InternalRaftRequest
            {
                Alarm = new AlarmRequest { Action = AlarmRequest.Types.AlarmAction.Activate, MemberID = MemberId, Alarm = FastKv.Api.Etcdserverpb.AlarmType.Nospace },
            });
        throw EtcdErrors.NoSpace();
    }

    // Requests the member makes on its own (lease revocations, alarms): nobody waits for the answer.
    private void ProposeInBackground(InternalRaftRequest request)
    {
        var (id, data) = Encode(request, default);
        _loop.Propose(id, data);
    }

    // Every proposal carries its request ID, and the user and auth revision it was checked
    // against, since permissions are decided at apply.
    private (ulong Id, byte[] Data) Encode(InternalRaftRequest request, AuthInfo auth)
    {
        var id = _waiters.NextId();
        request.Header = new RequestHeader { ID = id, Username = auth.Username ?? "", AuthRevision = auth.Revision };
        return (id, request.ToByteArray());
    }

    /// <summary>Completes when the member has applied everything committed before the call (ReadIndex).</summary>
    public async Task LinearizableReadAsync(CancellationToken cancel)
    {
        var ready = _reads.WaitAsync();
        _loop.RunOrWake();
        try
        {
            await ready.WaitAsync(_requestTimeout, cancel).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Metrics.ReadIndexesFailed.Inc();
            throw EtcdErrors.Timeout();
        }
        catch (EtcdException)
        {
            Metrics.ReadIndexesFailed.Inc(); // no leader, stopping
            throw;
        }
    }

    public void Dispose()
    {
        _loop.Dispose();
        Watch.Dispose();
        Kv.Dispose();
        Backend.Dispose();
        _durableLog.Dispose();
    }

    private sealed class RaftLogAdapter(JsonLog log) : IRaftLogger
    {
        public void Info(string message) => log.Info(message);
        public void Warn(string message) => log.Warn(message);
    }
}

// The running server: one member and the client listeners that serve it. Owns start-up order
// (member first, then listeners, then the "ready" log line operators wait for) and shutdown.
using FastKv.Grpc.Hosting;
using FastKv.Grpc.Server;
using FastKv.Server.Compaction;
using FastKv.Server.Config;
using FastKv.Server.Hosting;
using FastKv.Server.Http;
using FastKv.Server.Logging;
using FastKv.Server.Member;
using FastKv.Server.Metrics;
using FastKv.Server.Services;
using FastKv.Server.Tls;

namespace FastKv.Server;

public sealed class ServerHost : IAsyncDisposable
{
    private readonly EtcdMember _member;
    private readonly GrpcHost _grpc;
    private readonly JsonLog _log;
    private readonly MetricsListener? _metricsListener;
    private readonly IReadOnlyList<ClientListener> _listeners;
    private RunningCompactor? _compactor;

    private ServerHost(EtcdMember member, GrpcHost grpc, JsonLog log, IReadOnlyList<ClientListener> listeners, MetricsListener? metricsListener)
    {
        _listeners = listeners;
        _member = member;
        _grpc = grpc;
        _log = log;
        _metricsListener = metricsListener;
    }

    public EtcdMember Member => _member;

    public static async Task<ServerHost> StartAsync(ServerConfig config, JsonLog log)
    {
        log.Info("starting FastKv", ("fastkv-version", Usage.FastKvVersion), ("etcd-api-version", config.EtcdVersion),
            ("name", config.Name), ("data-dir", config.DataDir), ("listen-client-urls", config.ListenClientUrls.Select(u => u.OriginalString)));
        var revisionCheckInterval = RevisionCompactor.CheckIntervalFrom(Environment.GetEnvironmentVariable(RevisionCompactor.CheckIntervalVariable));
        var listeners = await ClientListeners.BuildAsync(config, log.For("embed")).ConfigureAwait(false);
        var memberMetrics = new MemberMetrics();
        var member = EtcdMember.Start(config, log.For("etcdserver"), memberMetrics);
        try
        {
            var methods = new MethodTable();
            new KvService(member).Register(methods);
            new WatchService(member).Register(methods);
            new LeaseService(member).Register(methods);
            new ClusterService(member).Register(methods);
            new AuthService(member).Register(methods);
            new MaintenanceService(member).Register(methods);
            new LockService(member).Register(methods);
            new ElectionService(member).Register(methods);

            var grpcMetrics = new GrpcServerMetrics(methods.Methods, handlingHistogram: config.Metrics == "extensive");
            var http = new HttpEndpoints(member, ServerMetrics.Create(member, memberMetrics, grpcMetrics, Usage.FastKvVersion))
            {
                Gateway = new Gateway.JsonGateway(methods, config.MaxRequestBytes + 512 * 1024, grpcMetrics),
                Access = new AccessControl(config.Cors, config.HostWhitelist),
            };
            var options = new GrpcHostOptions
            {
                CallObserver = grpcMetrics,
                // etcd lets a message through gRPC up to --max-request-bytes plus its framing overhead
                // and then refuses oversized requests itself, with its own error.
                MaxReceiveMessageSize = config.MaxRequestBytes + 512 * 1024,
                HttpHandler = http.Handle,
            };
            foreach (var listener in listeners) options.Endpoints.Add(listener.Endpoint);
            var grpc = new GrpcHost(options, methods);
            await grpc.StartAsync().ConfigureAwait(false);
            MetricsListener? metricsListener;
            try
            {
                metricsListener = await MetricsListener.StartAsync(config, http, log.For("embed")).ConfigureAwait(false);
            }
            catch
            {
                await grpc.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            var serverLog = log.For("embed");
            foreach (var listener in listeners)
            {
                if (listener.Secure) serverLog.Info("serving client traffic securely", ("address", listener.Address));
                else serverLog.Warn("serving client traffic insecurely; this is strongly discouraged!", ("address", listener.Address));
                serverLog.Info("ready to serve client requests", ("address", listener.Address));
            }
            var self = member.Members.First(m => m.Id == member.MemberId);
            log.For("etcdserver").Info("published local member to cluster through raft",
                ("local-member-id", MemberIds.ToHex(member.MemberId)),
                ("local-member-attributes", $"{{Name:{self.Name} ClientURLs:[{string.Join(' ', self.ClientUrls ?? [])}]}}"),
                ("cluster-id", MemberIds.ToHex(member.ClusterId)));
            log.For("etcdserver").Info("enabled capabilities for version", ("cluster-version", config.EtcdClusterVersion));
            var host = new ServerHost(member, grpc, log, listeners, metricsListener);
            host._compactor = AutoCompactor.Start(config.AutoCompaction, member, log.For("compactor"), revisionCheckInterval);
            SystemdNotifier.Notify(Environment.GetEnvironmentVariable(SystemdNotifier.SocketVariable), SystemdNotifier.Ready, log);
            return host;
        }
        catch
        {
            member.Dispose();
            throw;
        }
    }

    public Task WaitForShutdownAsync(CancellationToken stop) =>
        Task.Delay(Timeout.Infinite, stop).ContinueWith(_ => { }, TaskScheduler.Default);

    public async ValueTask DisposeAsync()
    {
        if (_compactor is not null) await _compactor.DisposeAsync().ConfigureAwait(false);
        if (_metricsListener is not null) await _metricsListener.DisposeAsync().ConfigureAwait(false);
        await _grpc.DisposeAsync().ConfigureAwait(false);
        // etcd removes its unix socket files when it stops listening.
        foreach (var listener in _listeners)
            if (listener.SocketPath is { } socket) File.Delete(socket);
        _member.Dispose();
        _log.Info("stopped serving");
    }
}

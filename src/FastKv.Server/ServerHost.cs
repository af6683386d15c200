// The running server: one member and the client listeners that serve it. Owns start-up order
// (member first, then listeners, then the "ready" log line operators wait for) and shutdown.
using System.Net;
using FastKv.Grpc.Hosting;
using FastKv.Grpc.Server;
using FastKv.Server.Config;
using FastKv.Server.Http;
using FastKv.Server.Logging;
using FastKv.Server.Member;
using FastKv.Server.Services;

namespace FastKv.Server;

public sealed class ServerHost : IAsyncDisposable
{
    private readonly EtcdMember _member;
    private readonly GrpcHost _grpc;
    private readonly JsonLog _log;

    private ServerHost(EtcdMember member, GrpcHost grpc, JsonLog log)
    {
        _member = member;
        _grpc = grpc;
        _log = log;
    }

    public EtcdMember Member => _member;

    public static async Task<ServerHost> StartAsync(ServerConfig config, JsonLog log)
    {
        log.Info("starting FastKv", ("fastkv-version", Usage.FastKvVersion), ("etcd-api-version", config.EtcdVersion),
            ("name", config.Name), ("data-dir", config.DataDir), ("listen-client-urls", config.ListenClientUrls.Select(u => u.OriginalString)));
        var member = EtcdMember.Start(config, log.For("etcdserver"));
        try
        {
            var methods = new MethodTable();
            new KvService(member).Register(methods);
            new WatchService(member).Register(methods);
            new LeaseService(member).Register(methods);
            new ClusterService(member).Register(methods);
            new AuthService(member).Register(methods);
            new MaintenanceService(member).Register(methods);

            var options = new GrpcHostOptions
            {
                // etcd lets a message through gRPC up to --max-request-bytes plus its framing overhead
                // and then refuses oversized requests itself, with its own error.
                MaxReceiveMessageSize = config.MaxRequestBytes + 512 * 1024,
                HttpHandler = new HttpEndpoints(member) { Gateway = new Gateway.JsonGateway(methods, config.MaxRequestBytes + 512 * 1024) }.Handle,
            };
            foreach (var url in config.ListenClientUrls)
                foreach (var ep in await ResolveAsync(url).ConfigureAwait(false))
                    options.Endpoints.Add(new GrpcEndpoint(ep));
            var grpc = new GrpcHost(options, methods);
            await grpc.StartAsync().ConfigureAwait(false);

            var serverLog = log.For("embed");
            foreach (var url in config.ListenClientUrls)
            {
                serverLog.Warn("serving client traffic insecurely; this is strongly discouraged!", ("address", url.Authority));
                serverLog.Info("ready to serve client requests", ("address", url.Authority));
            }
            var self = member.Members.First(m => m.Id == member.MemberId);
            log.For("etcdserver").Info("published local member to cluster through raft",
                ("local-member-id", MemberIds.ToHex(member.MemberId)),
                ("local-member-attributes", $"{{Name:{self.Name} ClientURLs:[{string.Join(' ', self.ClientUrls ?? [])}]}}"),
                ("cluster-id", MemberIds.ToHex(member.ClusterId)));
            log.For("etcdserver").Info("enabled capabilities for version", ("cluster-version", "3.4"));
            return new ServerHost(member, grpc, log);
        }
        catch
        {
            member.Dispose();
            throw;
        }
    }

    private static async Task<IReadOnlyList<IPEndPoint>> ResolveAsync(Uri url)
    {
        var port = url.IsDefaultPort ? 2379 : url.Port;
        if (IPAddress.TryParse(url.Host.Trim('[', ']'), out var ip))
            return [new IPEndPoint(ip, port)];
        var addresses = await Dns.GetHostAddressesAsync(url.Host).ConfigureAwait(false);
        // Like etcd, a name listens on the first address it resolves to (localhost -> 127.0.0.1).
        var first = addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) ?? addresses.First();
        return [new IPEndPoint(first, port)];
    }

    public Task WaitForShutdownAsync(CancellationToken stop) =>
        Task.Delay(Timeout.Infinite, stop).ContinueWith(_ => { }, TaskScheduler.Default);

    public async ValueTask DisposeAsync()
    {
        await _grpc.DisposeAsync().ConfigureAwait(false);
        _member.Dispose();
        _log.Info("stopped serving");
    }
}

// The member's settings, typed, with etcd's derived defaults applied (data dir from the name,
// initial cluster from the name and advertised peer URLs) and the cross-flag rules checked.
namespace FastKv.Server.Config;

public sealed record ServerConfig
{
    public required string Name { get; init; }
    public required string DataDir { get; init; }
    public string? WalDir { get; init; }
    public ulong SnapshotCount { get; init; } = 100_000;
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(100);
    public TimeSpan ElectionTimeout { get; init; } = TimeSpan.FromMilliseconds(1000);
    public bool InitialElectionTickAdvance { get; init; } = true;
    public IReadOnlyList<Uri> ListenClientUrls { get; init; } = [new("http://localhost:2379")];
    public IReadOnlyList<Uri> AdvertiseClientUrls { get; init; } = [new("http://localhost:2379")];
    public IReadOnlyList<Uri> ListenPeerUrls { get; init; } = [new("http://localhost:2380")];
    public IReadOnlyList<Uri> InitialAdvertisePeerUrls { get; init; } = [new("http://localhost:2380")];
    public IReadOnlyList<Uri> ListenMetricsUrls { get; init; } = [];
    public required IReadOnlyList<(string Name, Uri PeerUrl)> InitialCluster { get; init; }
    public string InitialClusterState { get; init; } = "new";
    public string InitialClusterToken { get; init; } = "etcd-cluster";
    public int MaxSnapshots { get; init; } = 5;
    public int MaxWals { get; init; } = 5;
    public long QuotaBackendBytes { get; init; }
    public int BackendBatchLimit { get; init; }
    public TimeSpan BackendBatchInterval { get; init; }
    public int MaxTxnOps { get; init; } = 128;
    public int MaxRequestBytes { get; init; } = 1_572_864;
    public bool PreVote { get; init; }
    public string AutoCompactionMode { get; init; } = "periodic";
    public string AutoCompactionRetention { get; init; } = "0";
    /// <summary>The auto compaction the two flags ask for; null when off (retention 0).</summary>
    public Compaction.AutoCompactionPolicy? AutoCompaction { get; init; }
    public bool ForceNewCluster { get; init; }
    public string LogLevel { get; init; } = "info";
    public string EtcdVersion { get; init; } = "3.4.23";

    /// <summary>The cluster version etcd derives from its server version: major.minor ("3.4"), stored and served as "3.4.0".</summary>
    public string EtcdClusterVersion
    {
        get
        {
            var parts = EtcdVersion.Split('.');
            return parts.Length >= 2 ? parts[0] + "." + parts[1] : EtcdVersion;
        }
    }
    public ulong AuthTokenTtlSeconds { get; init; } = 300;
    public int BcryptCost { get; init; } = 10;
    /// <summary>"basic" or "extensive" (adds grpc_server_handling_seconds).</summary>
    public string Metrics { get; init; } = "basic";
    public FastKv.Server.Tls.ClientTlsSettings ClientTls { get; init; } = FastKv.Server.Tls.ClientTlsSettings.None;

    /// <summary>--cors: origins whose browsers may call the HTTP endpoints ("*" is any).</summary>
    public IReadOnlyList<string> Cors { get; init; } = ["*"];
    /// <summary>--host-whitelist: Host headers accepted on cleartext HTTP ("*" or empty is any).</summary>
    public IReadOnlyList<string> HostWhitelist { get; init; } = ["*"];

    // Like etcd, each CORS origin other than "*" is a URL with host:port.
    private static string[] CorsOrigins(string value)
    {
        var origins = SplitList(value);
        foreach (var origin in origins)
        {
            if (origin == "*") continue;
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https" or "unix" or "unixs"))
                throw new FlagParseException($"invalid value \"{value}\" for flag -cors: URL scheme must be http, https, unix, or unixs: {origin}");
            if (url.IsDefaultPort && !url.Authority.Contains(':'))
                throw new FlagParseException($"invalid value \"{value}\" for flag -cors: URL address does not have the form \"host:port\": {origin}");
        }
        return origins;
    }

    private static string[] SplitList(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public string MemberDir => DataDirLayout.MemberDir(DataDir);
    public string SnapDir => DataDirLayout.SnapDir(DataDir);
    public string DbPath => DataDirLayout.DbPath(DataDir);
    public string EffectiveWalDir => WalDir is { Length: > 0 } w ? w : DataDirLayout.WalDir(DataDir);

    /// <summary>Election timeout and heartbeat in Raft ticks (one tick per heartbeat interval).</summary>
    public int ElectionTicks => (int)Math.Max(2, ElectionTimeout.Ticks / Math.Max(1, HeartbeatInterval.Ticks));

    public static ServerConfig From(FlagSet flags)
    {
        var name = flags.GetString("name");
        var dataDir = flags.GetString("data-dir");
        if (dataDir == "${name}.fastkv") dataDir = DataDirLayout.DefaultFor(name);

        var heartbeat = flags.GetUInt("heartbeat-interval");
        var election = flags.GetUInt("election-timeout");
        if (heartbeat == 0) throw new FlagParseException("--heartbeat-interval must be >0 (set to 0ms)");
        if (election < 5 * heartbeat)
            throw new FlagParseException($"--election-timeout[{election}ms] should be at least as 5 times as --heartbeat-interval[{heartbeat}ms]");
        if (election > 50_000)
            throw new FlagParseException($"--election-timeout[{election}ms] is too long, and should be set less than 50000ms");

        var advertisePeers = flags.GetUrls("initial-advertise-peer-urls");
        var initialCluster = flags.GetString("initial-cluster");
        var members = initialCluster.Length == 0
            ? advertisePeers.Select(u => (name, u)).ToList()
            : ParseInitialCluster(initialCluster);
        if (!members.Any(m => m.Item1 == name))
            throw new FlagParseException($"couldn't find local name \"{name}\" in the initial cluster configuration");

        var state = flags.GetString("initial-cluster-state");
        if (state is not ("new" or "existing"))
            throw new FlagParseException($"invalid value \"{state}\" for flag -initial-cluster-state: valid values are \"new\" or \"existing\"");

        var mode = flags.GetString("auto-compaction-mode");
        var autoCompaction = Compaction.AutoCompactionPolicy.Parse(mode, flags.GetString("auto-compaction-retention"));

        var level = flags.GetBool("debug") ? "debug" : flags.GetString("log-level");
        if (level is not ("debug" or "info" or "warn" or "error" or "panic" or "fatal"))
            throw new FlagParseException($"unknown log level \"{level}\"");

        var maxRequest = flags.GetUInt("max-request-bytes");
        if (maxRequest == 0 || maxRequest > int.MaxValue / 2)
            throw new FlagParseException($"invalid value \"{maxRequest}\" for flag -max-request-bytes: must be between 1 and {int.MaxValue / 2}");

        var metrics = flags.GetString("metrics");
        if (metrics is not ("basic" or "extensive"))
            throw new FlagParseException($"invalid value \"{metrics}\" for flag -metrics: must be basic or extensive");

        return new ServerConfig
        {
            Metrics = metrics,
            Name = name,
            DataDir = dataDir,
            WalDir = flags.GetString("wal-dir"),
            SnapshotCount = flags.GetUInt("snapshot-count"),
            HeartbeatInterval = TimeSpan.FromMilliseconds(heartbeat),
            ElectionTimeout = TimeSpan.FromMilliseconds(election),
            InitialElectionTickAdvance = flags.GetBool("initial-election-tick-advance"),
            ListenClientUrls = flags.GetUrls("listen-client-urls"),
            AdvertiseClientUrls = flags.GetUrls("advertise-client-urls"),
            ListenPeerUrls = flags.GetUrls("listen-peer-urls"),
            InitialAdvertisePeerUrls = advertisePeers,
            ListenMetricsUrls = ParseOptionalUrls(flags.GetString("listen-metrics-urls")),
            InitialCluster = members,
            InitialClusterState = state,
            InitialClusterToken = flags.GetString("initial-cluster-token"),
            MaxSnapshots = (int)Math.Min(int.MaxValue, flags.GetUInt("max-snapshots")),
            MaxWals = (int)Math.Min(int.MaxValue, flags.GetUInt("max-wals")),
            QuotaBackendBytes = flags.GetInt("quota-backend-bytes"),
            BackendBatchLimit = (int)Math.Clamp(flags.GetInt("backend-batch-limit"), 0, int.MaxValue),
            BackendBatchInterval = flags.GetDuration("backend-batch-interval"),
            MaxTxnOps = (int)Math.Min(int.MaxValue, flags.GetUInt("max-txn-ops")),
            MaxRequestBytes = (int)maxRequest,
            PreVote = flags.GetBool("pre-vote"),
            AutoCompactionMode = mode,
            AutoCompactionRetention = flags.GetString("auto-compaction-retention"),
            AutoCompaction = autoCompaction,
            ForceNewCluster = flags.GetBool("force-new-cluster"),
            LogLevel = level,
            EtcdVersion = flags.GetString("etcd-version"),
            Cors = CorsOrigins(flags.GetString("cors")),
            HostWhitelist = SplitList(flags.GetString("host-whitelist")),
            AuthTokenTtlSeconds = flags.GetUInt("auth-token-ttl"),
            BcryptCost = (int)Math.Min(31, flags.GetUInt("bcrypt-cost")),
            ClientTls = FastKv.Server.Tls.ClientTlsSettings.From(flags),
        };
    }

    private static List<(string, Uri)> ParseInitialCluster(string value)
    {
        var list = new List<(string, Uri)>();
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0 || !Uri.TryCreate(part[(eq + 1)..], UriKind.Absolute, out var uri))
                throw new FlagParseException($"invalid value \"{value}\" for flag -initial-cluster: {part} is not in name=url form");
            list.Add((part[..eq], uri));
        }
        return list;
    }

    private static IReadOnlyList<Uri> ParseOptionalUrls(string value) =>
        value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(s => Uri.TryCreate(s, UriKind.Absolute, out var u) ? u : throw new FlagParseException($"invalid value \"{value}\" for flag -listen-metrics-urls"))
            .Select(u => u.Scheme switch
            {
                // https serves TLS with the client certificate flags, as etcd does.
                "http" or "https" => u,
                _ => throw new FlagParseException($"--listen-metrics-urls {u.OriginalString}: URL scheme must be http or https"),
            })
            .ToList();
}

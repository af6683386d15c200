// Every flag the server accepts, with etcd 3.4's names and defaults. Flags that only make sense
// with more than one member or with TLS are accepted and validated now so that existing unit
// files and config files keep working; the features behind them land with their issues.
namespace FastKv.Server.Config;

public static class FlagTable
{
    public static readonly IReadOnlyList<FlagSpec> All =
    [
        // member
        new("name", FlagKind.String, "default", "Human-readable name for this member."),
        new("data-dir", FlagKind.String, "${name}.fastkv", "Path to the data directory."),
        new("wal-dir", FlagKind.String, "", "Path to the dedicated wal directory."),
        new("snapshot-count", FlagKind.UInt, "100000", "Number of committed transactions to trigger a snapshot to disk."),
        new("heartbeat-interval", FlagKind.UInt, "100", "Time (in milliseconds) of a heartbeat interval."),
        new("election-timeout", FlagKind.UInt, "1000", "Time (in milliseconds) for an election to timeout."),
        new("initial-election-tick-advance", FlagKind.Bool, "true", "Whether to fast-forward initial election ticks on boot for faster election."),
        new("listen-peer-urls", FlagKind.Urls, "http://localhost:2380", "List of URLs to listen on for peer traffic."),
        new("listen-client-urls", FlagKind.Urls, "http://localhost:2379", "List of URLs to listen on for client traffic."),
        new("listen-metrics-urls", FlagKind.String, "", "List of URLs to listen on for the metrics and health endpoints."),
        new("max-snapshots", FlagKind.UInt, "5", "Maximum number of snapshot files to retain (0 is unlimited)."),
        new("max-wals", FlagKind.UInt, "5", "Maximum number of wal files to retain (0 is unlimited)."),
        new("quota-backend-bytes", FlagKind.Int, "0", "Raise alarms when backend size exceeds the given quota (0 defaults to low space quota)."),
        new("backend-batch-interval", FlagKind.Duration, "0s", "BackendBatchInterval is the maximum time before commit the backend transaction."),
        new("backend-batch-limit", FlagKind.Int, "0", "BackendBatchLimit is the maximum operations before commit the backend transaction."),
        new("max-txn-ops", FlagKind.UInt, "128", "Maximum number of operations permitted in a transaction."),
        new("max-request-bytes", FlagKind.UInt, "1572864", "Maximum client request size in bytes the server will accept."),
        new("grpc-keepalive-min-time", FlagKind.Duration, "5s", "Minimum interval duration that a client should wait before pinging server."),
        new("grpc-keepalive-interval", FlagKind.Duration, "2h0m0s", "Frequency duration of server-to-client ping to check if a connection is alive (0 to disable)."),
        new("grpc-keepalive-timeout", FlagKind.Duration, "20s", "Additional duration of wait before closing a non-responsive connection (0 to disable)."),
        // clustering
        new("initial-advertise-peer-urls", FlagKind.Urls, "http://localhost:2380", "List of this member's peer URLs to advertise to the rest of the cluster."),
        new("initial-cluster", FlagKind.String, "", "Initial cluster configuration for bootstrapping (default: <name>=<initial-advertise-peer-urls>)."),
        new("initial-cluster-state", FlagKind.String, "new", "Initial cluster state ('new' or 'existing')."),
        new("initial-cluster-token", FlagKind.String, "etcd-cluster", "Initial cluster token for the etcd cluster during bootstrap."),
        new("advertise-client-urls", FlagKind.Urls, "http://localhost:2379", "List of this member's client URLs to advertise to the public."),
        new("strict-reconfig-check", FlagKind.Bool, "true", "Reject reconfiguration requests that would cause quorum loss."),
        new("pre-vote", FlagKind.Bool, "false", "Enable to run an additional Raft election phase."),
        new("auto-compaction-retention", FlagKind.String, "0", "Auto compaction retention length. 0 means disable auto compaction."),
        new("auto-compaction-mode", FlagKind.String, "periodic", "Interpret 'auto-compaction-retention' one of: periodic|revision."),
        new("enable-v2", FlagKind.Bool, "false", "Accept etcd V2 client requests.") { UnsupportedBeyondDefault = true },
        new("enable-grpc-gateway", FlagKind.Bool, "true", "Enable GRPC gateway."),
        new("force-new-cluster", FlagKind.Bool, "false", "Force to create a new one member cluster.") { UnsupportedBeyondDefault = true },
        new("config-file", FlagKind.String, "", "Path to the server configuration file."),
        // security
        new("cert-file", FlagKind.String, "", "Path to the client server TLS cert file."),
        new("key-file", FlagKind.String, "", "Path to the client server TLS key file."),
        new("client-cert-auth", FlagKind.Bool, "false", "Enable client cert authentication."),
        new("client-crl-file", FlagKind.String, "", "Path to the client certificate revocation list file."),
        new("trusted-ca-file", FlagKind.String, "", "Path to the client server TLS trusted CA cert file."),
        new("auto-tls", FlagKind.Bool, "false", "Client TLS using generated certificates."),
        new("peer-cert-file", FlagKind.String, "", "Path to the peer server TLS cert file.") { UnsupportedBeyondDefault = true },
        new("peer-key-file", FlagKind.String, "", "Path to the peer server TLS key file.") { UnsupportedBeyondDefault = true },
        new("peer-client-cert-auth", FlagKind.Bool, "false", "Enable peer client cert authentication.") { UnsupportedBeyondDefault = true },
        new("peer-trusted-ca-file", FlagKind.String, "", "Path to the peer server TLS trusted CA file.") { UnsupportedBeyondDefault = true },
        new("peer-auto-tls", FlagKind.Bool, "false", "Peer TLS using self-generated certificates if --peer-key-file and --peer-cert-file are not provided.") { UnsupportedBeyondDefault = true },
        new("peer-crl-file", FlagKind.String, "", "Path to the peer certificate revocation list file.") { UnsupportedBeyondDefault = true },
        new("cipher-suites", FlagKind.String, "", "Comma-separated list of supported TLS cipher suites between client/server and peers (empty will be auto-populated by Go)."),
        new("cors", FlagKind.String, "*", "Comma-separated white list of origins for CORS, or cross-origin resource sharing, (empty or * means allow all)."),
        new("host-whitelist", FlagKind.String, "*", "Comma-separated acceptable hostnames from HTTP client requests, if server is not secure (empty means allow all)."),
        // auth
        new("auth-token", FlagKind.String, "simple", "Specify auth token specific options.") { UnsupportedBeyondDefault = true },
        new("bcrypt-cost", FlagKind.UInt, "10", "Specify bcrypt algorithm cost factor for auth password hashing."),
        new("auth-token-ttl", FlagKind.UInt, "300", "The lifetime in seconds of the auth token."),
        // logging
        new("logger", FlagKind.String, "zap", "Specify 'zap' for structured logging."),
        new("log-outputs", FlagKind.String, "default", "Specify 'stdout' or 'stderr' to skip journald logging even when running under systemd."),
        new("log-level", FlagKind.String, "info", "Configures log level. Only supports debug, info, warn, error, panic, or fatal."),
        new("debug", FlagKind.Bool, "false", "Enable debug-level logging for etcd."),
        new("metrics", FlagKind.String, "basic", "Set level of detail for exported metrics, specify 'extensive' to include server side grpc histogram metrics."),
        new("enable-pprof", FlagKind.Bool, "false", "Enable runtime profiling data via HTTP server.") { UnsupportedBeyondDefault = true },
        // FastKv's own
        new("etcd-version", FlagKind.String, "3.4.23", "The etcd version whose API this member reports (Status.version, /version)."),
    ];

    public static FlagSpec? Find(string name)
    {
        foreach (var f in All)
            if (f.Name == name) return f;
        return null;
    }
}

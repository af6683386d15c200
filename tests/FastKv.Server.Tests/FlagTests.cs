// The command line and ETCD_* environment are read with etcd's names, defaults and Go flag
// syntax, and bad input is refused with a message naming the flag.
using FastKv.Server.Config;

namespace FastKv.Server.Tests;

public sealed class FlagTests
{
    private static readonly Dictionary<string, string> NoEnvironment = new();

    [Fact]
    public void No_flags_give_etcds_single_member_defaults()
    {
        var config = ServerConfig.From(FlagSet.Parse([], NoEnvironment));
        Assert.Equal("default", config.Name);
        Assert.Equal("default.fastkv", config.DataDir);
        Assert.Equal("http://localhost:2379", Assert.Single(config.ListenClientUrls).OriginalString);
        Assert.Equal("http://localhost:2380", Assert.Single(config.InitialAdvertisePeerUrls).OriginalString);
        Assert.Equal(("default", "http://localhost:2380"), (config.InitialCluster[0].Name, config.InitialCluster[0].PeerUrl.OriginalString));
        Assert.Equal(100_000UL, config.SnapshotCount);
        Assert.Equal(1_572_864, config.MaxRequestBytes);
        Assert.Equal(10, config.ElectionTicks);
        Assert.Equal(Path.Combine("default.fastkv", "member", "snap", "db"), config.DbPath);
    }

    [Theory]
    [InlineData("--name", "n1")]
    [InlineData("-name", "n1")]
    [InlineData("--name=n1", null)]
    [InlineData("-name=n1", null)]
    public void Go_flag_syntax_is_accepted(string first, string? second)
    {
        string[] args = second is null ? [first] : [first, second];
        var config = ServerConfig.From(FlagSet.Parse(args, NoEnvironment));
        Assert.Equal("n1", config.Name);
        Assert.Equal("n1.fastkv", config.DataDir);
    }

    [Fact]
    public void Environment_sets_flags_and_the_command_line_wins()
    {
        var env = new Dictionary<string, string> { ["ETCD_SNAPSHOT_COUNT"] = "5", ["ETCD_NAME"] = "from-env", ["ETCD_NO_SUCH"] = "1" };
        var flags = FlagSet.Parse(["--name", "from-flag"], env);
        var config = ServerConfig.From(flags);
        Assert.Equal(5UL, config.SnapshotCount);
        Assert.Equal("from-flag", config.Name);
        Assert.Contains(flags.Warnings, w => w.Contains("ETCD_NAME") && w.Contains("shadowed"));
        Assert.Contains(flags.Warnings, w => w.Contains("unrecognized environment variable ETCD_NO_SUCH=1"));
    }

    [Theory]
    [InlineData(new[] { "--no-such-flag" }, "flag provided but not defined: -no-such-flag")]
    [InlineData(new[] { "--snapshot-count", "ten" }, "invalid value \"ten\" for flag -snapshot-count: parse error")]
    [InlineData(new[] { "--name" }, "flag needs an argument: -name")]
    [InlineData(new[] { "stray" }, "'stray' is not a valid flag")]
    [InlineData(new[] { "--listen-client-urls", "ftp://x:1" }, "URL scheme must be http, https, unix, or unixs")]
    [InlineData(new[] { "--grpc-keepalive-min-time", "5 parsecs" }, "invalid value \"5 parsecs\" for flag -grpc-keepalive-min-time")]
    public void Bad_flags_are_refused_with_a_message(string[] args, string message)
    {
        var e = Assert.Throws<FlagParseException>(() => ServerConfig.From(FlagSet.Parse(args, NoEnvironment)));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Cross_flag_rules_are_checked()
    {
        Assert.Contains("should be at least as 5 times as --heartbeat-interval",
            Assert.Throws<FlagParseException>(() => ServerConfig.From(FlagSet.Parse(["--heartbeat-interval", "500", "--election-timeout", "1000"], NoEnvironment))).Message);
        Assert.Contains("couldn't find local name \"x\"",
            Assert.Throws<FlagParseException>(() => ServerConfig.From(FlagSet.Parse(["--name", "x", "--initial-cluster", "y=http://127.0.0.1:2380"], NoEnvironment))).Message);
        Assert.Contains("initial-cluster-state",
            Assert.Throws<FlagParseException>(() => ServerConfig.From(FlagSet.Parse(["--initial-cluster-state", "maybe"], NoEnvironment))).Message);
    }

    [Fact]
    public void Bad_environment_values_name_the_variable()
    {
        var e = Assert.Throws<FlagParseException>(() => FlagSet.Parse([], new Dictionary<string, string> { ["ETCD_MAX_WALS"] = "-1" }));
        Assert.Contains("ETCD_MAX_WALS", e.Message);
    }

    [Theory]
    [InlineData("5s", 5_000)]
    [InlineData("2h0m0s", 7_200_000)]
    [InlineData("1.5m", 90_000)]
    [InlineData("100ms", 100)]
    [InlineData("0", 0)]
    public void Go_durations_parse(string text, long milliseconds)
    {
        Assert.True(GoDuration.TryParse(text, out var d));
        Assert.Equal(milliseconds, (long)d.TotalMilliseconds);
    }

    [Fact]
    public void Member_and_cluster_ids_are_etcds()
    {
        // etcd 3.4.23 started with --name default --initial-advertise-peer-urls http://127.0.0.1:2380
        // --initial-cluster default=http://127.0.0.1:2380 (token etcd-cluster) reports these IDs in
        // `member list -w json`; the parity tests compare them against a live etcd as well.
        var member = FastKv.Server.Member.MemberIds.ForMember(["http://127.0.0.1:2380"], "etcd-cluster");
        Assert.Equal(13195394291058371180UL, member);
        Assert.Equal(2037210783374497686UL, FastKv.Server.Member.MemberIds.ForCluster([member]));
        // etcd's defaults (peer http://localhost:2380) give the IDs every etcd user has seen.
        var defaultMember = FastKv.Server.Member.MemberIds.ForMember(["http://localhost:2380"], "etcd-cluster");
        Assert.Equal("8e9e05c52164694d", FastKv.Server.Member.MemberIds.ToHex(defaultMember));
        Assert.Equal("cdf818194e3a8c32", FastKv.Server.Member.MemberIds.ToHex(FastKv.Server.Member.MemberIds.ForCluster([defaultMember])));
    }

    [Fact]
    public void A_config_file_replaces_flags_and_environment()
    {
        var path = Path.Combine(Path.GetTempPath(), "fastkv-config-" + Guid.NewGuid().ToString("N") + ".yml");
        File.WriteAllText(path, """
            # etcd-style configuration
            name: 'from-file'
            data-dir: /tmp/x.fastkv
            snapshot-count: 42
            listen-client-urls:
              - http://127.0.0.1:3379
              - http://127.0.0.1:3380
            initial-cluster: from-file=http://127.0.0.1:2380
            pre-vote: true
            """);
        try
        {
            var flags = FlagSet.Parse(["--config-file", path, "--name", "ignored"], new Dictionary<string, string> { ["ETCD_SNAPSHOT_COUNT"] = "7" });
            var config = ServerConfig.From(flags);
            Assert.Equal("from-file", config.Name);
            Assert.Equal("/tmp/x.fastkv", config.DataDir);
            Assert.Equal(42UL, config.SnapshotCount);
            Assert.Equal(2, config.ListenClientUrls.Count);
            Assert.True(config.PreVote);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_config_files_transport_security_sections_set_the_tls_flags()
    {
        var path = Path.Combine(Path.GetTempPath(), "fastkv-config-" + Guid.NewGuid().ToString("N") + ".yml");
        File.WriteAllText(path, """
            name: tls
            client-transport-security:
              cert-file: /etc/etcd/server.pem
              key-file: /etc/etcd/server-key.pem
              client-cert-auth: true
              trusted-ca-file: /etc/etcd/ca.pem
              crl-file: /etc/etcd/crl.pem
              auto-tls: false
            peer-transport-security:
              auto-tls: false
            snapshot-count: 9
            """);
        try
        {
            var flags = FlagSet.Parse(["--config-file", path], NoEnvironment);
            Assert.Equal("/etc/etcd/server.pem", flags.GetString("cert-file"));
            Assert.Equal("/etc/etcd/server-key.pem", flags.GetString("key-file"));
            Assert.True(flags.GetBool("client-cert-auth"));
            Assert.Equal("/etc/etcd/ca.pem", flags.GetString("trusted-ca-file"));
            Assert.Equal("/etc/etcd/crl.pem", flags.GetString("client-crl-file"));
            Assert.Equal("9", flags.GetString("snapshot-count"));
            // The peer section maps onto --peer-*, refused until the peer transport exists.
            File.WriteAllText(path, "peer-transport-security:\n  cert-file: /etc/etcd/peer.pem\n");
            Assert.Contains("--peer-cert-file=/etc/etcd/peer.pem is not supported", Assert.Throws<FlagParseException>(() => FlagSet.Parse(["--config-file", path], NoEnvironment)).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_config_file_with_unknown_or_nested_settings_is_refused()
    {
        var path = Path.Combine(Path.GetTempPath(), "fastkv-config-" + Guid.NewGuid().ToString("N") + ".yml");
        try
        {
            File.WriteAllText(path, "nmae: typo\n");
            Assert.Contains("unknown setting \"nmae\"", Assert.Throws<FlagParseException>(() => FlagSet.Parse(["--config-file", path], NoEnvironment)).Message);
            File.WriteAllText(path, "client-transport-security:\n  cert-flie: a.pem\n");
            Assert.Contains("unknown setting \"cert-flie\" in client-transport-security", Assert.Throws<FlagParseException>(() => FlagSet.Parse(["--config-file", path], NoEnvironment)).Message);
            File.WriteAllText(path, "name: x\n  indented: y\n");
            Assert.Contains("nested settings are not supported", Assert.Throws<FlagParseException>(() => FlagSet.Parse(["--config-file", path], NoEnvironment)).Message);
            Assert.Contains("no such file", Assert.Throws<FlagParseException>(() => FlagSet.Parse(["--config-file", path + ".missing"], NoEnvironment)).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("--peer-cert-file", "server.pem")]
    [InlineData("--force-new-cluster", null)]
    public void Features_not_built_yet_are_refused_not_ignored(string flag, string? value)
    {
        string[] args = value is null ? [flag] : [flag, value];
        var e = Assert.Throws<FlagParseException>(() => FlagSet.Parse(args, NoEnvironment));
        Assert.Contains("is not supported by this FastKv build yet", e.Message);
        // Their defaults are fine, given explicitly or not.
        FlagSet.Parse(["--force-new-cluster=false", "--auto-compaction-retention", "0"], NoEnvironment);
    }
}

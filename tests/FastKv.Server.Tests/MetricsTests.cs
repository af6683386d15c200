// /metrics of the real server process, scraped like Prometheus does after real etcdctl traffic:
// etcd 3.4's families with their types and labels, disk histograms that grow with writes,
// grpc_server_* counting calls by code, and the seeds' alert expressions evaluated over two
// scrapes. One test compares FastKv's families with a real etcd 3.4's.
using System.Diagnostics;
using FastKv.Server.Tests.Metrics;
using FastKv.Server.Tests.Support;

namespace FastKv.Server.Tests;

public sealed class MetricsTests
{
    private static async Task<Exposition> ScrapeAsync(string hostPort)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        using var response = await http.GetAsync($"http://{hostPort}/metrics");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        return Exposition.Parse(await response.Content.ReadAsStringAsync());
    }

    private static void AssertHistogramsWellFormed(Exposition scrape)
    {
        foreach (var family in scrape.Families.Values.Where(f => f.Type == "histogram"))
        {
            var series = family.Samples.Where(s => s.Name == family.Name + "_bucket")
                .GroupBy(s => string.Join(',', s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key).Select(l => l.Key + "=" + l.Value)));
            foreach (var buckets in series)
            {
                var list = buckets.ToList();
                for (var i = 1; i < list.Count; i++)
                    Assert.True(list[i].Value >= list[i - 1].Value, $"{family.Name}{{{buckets.Key}}} buckets are not cumulative");
                Assert.Equal("+Inf", list[^1].Label("le"));
                var count = family.Samples.Single(s => s.Name == family.Name + "_count" &&
                    string.Join(',', s.Labels.OrderBy(l => l.Key).Select(l => l.Key + "=" + l.Value)) == buckets.Key);
                Assert.Equal(count.Value, list[^1].Value);
            }
        }
    }

    [Fact]
    public async Task Scrapes_after_etcdctl_traffic_show_etcds_series_growing_and_the_seed_alerts_evaluate()
    {
        Assert.True(Etcdctl.Available, "etcdctl is missing: apt-get install etcd-client");
        using var dir = new TempDir();
        var metricsPort = FreePort.Next();
        using var server = await MemberProcess.StartFastKvAsync(dir.Sub("data"),
            extra: ["--metrics", "extensive", "--listen-metrics-urls", $"http://127.0.0.1:{metricsPort}"]);
        var metricsAddress = $"127.0.0.1:{metricsPort}";

        var before = await ScrapeAsync(metricsAddress);
        var clock = Stopwatch.StartNew();
        const int puts = 5;
        for (var i = 0; i < puts; i++)
            Assert.Equal(0, (await Etcdctl.RunAsync(server.Endpoint, "put", $"/m/{i}", "v")).ExitCode);
        Assert.Equal(0, (await Etcdctl.RunAsync(server.Endpoint, "get", "/m/0")).ExitCode);
        var revoke = await Etcdctl.RunAsync(server.Endpoint, "lease", "revoke", "1234");
        Assert.Contains("requested lease not found", revoke.Stderr);
        // A keep-alive stream: one request and one response message on a bidirectional call.
        var grant = await Etcdctl.RunAsync(server.Endpoint, "lease", "grant", "60");
        var leaseId = grant.Stdout.Split(' ')[1];
        Assert.Equal(0, (await Etcdctl.RunAsync(server.Endpoint, "lease", "keep-alive", "--once", leaseId)).ExitCode);
        await Task.Delay(300); // the backend commits its batch within 100 ms
        var after = await ScrapeAsync(metricsAddress);
        var between = clock.Elapsed;

        // Families as etcd names and types them.
        foreach (var (name, type) in new[]
        {
            ("etcd_disk_wal_fsync_duration_seconds", "histogram"), ("etcd_disk_backend_commit_duration_seconds", "histogram"),
            ("etcd_server_has_leader", "gauge"), ("etcd_server_is_leader", "gauge"), ("etcd_server_leader_changes_seen_total", "counter"),
            ("etcd_server_proposals_committed_total", "gauge"), ("etcd_server_proposals_applied_total", "gauge"),
            ("etcd_server_proposals_pending", "gauge"), ("etcd_server_proposals_failed_total", "counter"),
            ("etcd_server_slow_apply_total", "counter"), ("etcd_mvcc_db_total_size_in_bytes", "gauge"),
            ("etcd_mvcc_db_total_size_in_use_in_bytes", "gauge"), ("etcd_server_quota_backend_bytes", "gauge"),
            ("etcd_server_version", "gauge"), ("etcd_cluster_version", "gauge"), ("etcd_server_id", "gauge"),
            ("grpc_server_started_total", "counter"), ("grpc_server_handled_total", "counter"),
            ("grpc_server_msg_received_total", "counter"), ("grpc_server_msg_sent_total", "counter"),
            ("grpc_server_handling_seconds", "histogram"), ("process_resident_memory_bytes", "gauge"),
            ("process_cpu_seconds_total", "counter"), ("process_open_fds", "gauge"), ("process_start_time_seconds", "gauge"),
            ("fastkv_server_version", "gauge"), ("etcd_server_apply_duration_seconds", "histogram"),
        })
            Assert.True(after.Families.TryGetValue(name, out var f) && f.Type == type, $"{name} should be a {type}");

        Assert.Equal(1, after.Value("etcd_server_has_leader"));
        Assert.Equal(1, after.Value("etcd_server_is_leader"));
        Assert.Equal(1, after.Value("etcd_server_leader_changes_seen_total"));
        Assert.Equal(1, after.Value("etcd_server_version", ("server_version", "3.4.23")));
        Assert.Equal(1, after.Value("etcd_cluster_version", ("cluster_version", "3.4")));
        Assert.Equal(0, after.Value("etcd_server_proposals_pending"));
        Assert.Equal(2L * 1024 * 1024 * 1024, after.Value("etcd_server_quota_backend_bytes"));
        Assert.True(after.Value("etcd_mvcc_db_total_size_in_bytes") >= after.Value("etcd_mvcc_db_total_size_in_use_in_bytes"));
        Assert.True(after.Value("etcd_server_proposals_applied_total") >= before.Value("etcd_server_proposals_applied_total") + puts);
        Assert.True(after.Value("process_resident_memory_bytes") > 0);
        Assert.True(after.Value("etcd_disk_wal_write_bytes_total") > before.Value("etcd_disk_wal_write_bytes_total"));
        Assert.Equal(0, after.Value("etcd_server_read_indexes_failed_total"));
        // Applies per kind and outcome, with etcd 3.5's labels.
        Assert.Equal(puts, after.Value("etcd_server_apply_duration_seconds_count", ("op", "Put"), ("success", "true"), ("version", "v3")));
        Assert.Equal(puts, after.Value("etcd_server_apply_duration_seconds_bucket", ("le", "+Inf"), ("op", "Put"), ("success", "true"), ("version", "v3")));

        // Every put is fdatasync'd by the WAL; the backend committed its batch since.
        Assert.True(after.Value("etcd_disk_wal_fsync_duration_seconds_count") >= before.Value("etcd_disk_wal_fsync_duration_seconds_count") + puts);
        Assert.True(after.Value("etcd_disk_wal_fsync_duration_seconds_sum") > before.Value("etcd_disk_wal_fsync_duration_seconds_sum"));
        Assert.True(after.Value("etcd_disk_backend_commit_duration_seconds_count") > before.Value("etcd_disk_backend_commit_duration_seconds_count"));
        AssertHistogramsWellFormed(before);
        AssertHistogramsWellFormed(after);

        (string, string)[] kv = [("grpc_service", "etcdserverpb.KV"), ("grpc_type", "unary")];
        Assert.Equal(puts, after.Value("grpc_server_handled_total", [("grpc_code", "OK"), ("grpc_method", "Put"), .. kv]));
        Assert.Equal(1, after.Value("grpc_server_handled_total", [("grpc_code", "OK"), ("grpc_method", "Range"), .. kv]));
        Assert.Equal(1, after.Value("grpc_server_handled_total", ("grpc_code", "NotFound"), ("grpc_method", "LeaseRevoke"), ("grpc_service", "etcdserverpb.Lease")));
        Assert.Equal(0, after.Value("grpc_server_handled_total", ("grpc_code", "OK"), ("grpc_method", "LeaseRevoke"), ("grpc_service", "etcdserverpb.Lease")));
        Assert.Equal(puts, after.Value("grpc_server_started_total", [("grpc_method", "Put"), .. kv]));
        Assert.Equal(puts, after.Value("grpc_server_msg_received_total", [("grpc_method", "Put"), .. kv]));
        Assert.Equal(puts, after.Value("grpc_server_msg_sent_total", [("grpc_method", "Put"), .. kv]));
        (string, string)[] keepAlive = [("grpc_method", "LeaseKeepAlive"), ("grpc_service", "etcdserverpb.Lease"), ("grpc_type", "bidi_stream")];
        Assert.Equal(1, after.Value("grpc_server_msg_received_total", keepAlive));
        Assert.Equal(1, after.Value("grpc_server_msg_sent_total", keepAlive));
        Assert.Equal(puts, after.Value("grpc_server_handling_seconds_count", [("grpc_method", "Put"), .. kv]));
        // Series of methods nobody called exist at zero, for every code, as go-grpc-prometheus pre-creates them.
        Assert.Equal(0, after.Value("grpc_server_handled_total", ("grpc_code", "Unavailable"), ("grpc_method", "Watch"), ("grpc_type", "bidi_stream")));
        Assert.Equal(17, after.AllSamples("grpc_server_handled_total").Count(s => s.Label("grpc_method") == "Compact"));

        // The seeds' alerts. EtcdNoLeader: etcd_server_has_leader == 0.
        Assert.DoesNotContain(after.AllSamples("etcd_server_has_leader"), s => s.Value == 0);
        // EtcdHighFsyncDurations: histogram_quantile(0.99, rate(etcd_disk_wal_fsync_duration_seconds_bucket[5m])) > 0.5
        var fsyncP99 = PromQl.HistogramQuantile(0.99, PromQl.Rate(before, after, "etcd_disk_wal_fsync_duration_seconds_bucket", between)).Single();
        Assert.InRange(fsyncP99.Value, 0, 8.192);
        // EtcdGrpcRequestsSlow: histogram_quantile(0.99, sum(rate(grpc_server_handling_seconds_bucket{grpc_type="unary"}[5m])) by (grpc_service, grpc_method, le)) > 0.15
        var rates = PromQl.Rate(before, after, "grpc_server_handling_seconds_bucket", between, s => s.Label("grpc_type") == "unary");
        var slow = PromQl.HistogramQuantile(0.99, PromQl.SumBy(rates, "grpc_service", "grpc_method", "le"));
        var putP99 = slow.Single(s => s.Label("grpc_service") == "etcdserverpb.KV" && s.Label("grpc_method") == "Put");
        Assert.InRange(putP99.Value, 0, 10);
        Assert.Equal(["grpc_method", "grpc_service"], putP99.Labels.Keys.Order().ToArray());
        Assert.True(double.IsNaN(slow.Single(s => s.Label("grpc_method") == "Compact").Value), "no Compact calls: no quantile, as in Prometheus");
    }

    [Fact]
    public async Task Basic_metrics_leave_out_the_grpc_handling_histogram_as_etcd_does_and_scrapes_compress_on_request()
    {
        using var dir = new TempDir();
        using var server = await MemberProcess.StartFastKvAsync(dir.Sub("data"));
        var scrape = await ScrapeAsync(server.Endpoint);
        Assert.False(scrape.Families.ContainsKey("grpc_server_handling_seconds"));
        Assert.True(scrape.Families.ContainsKey("grpc_server_handled_total"));

        // Prometheus asks for gzip; the decompressed body is the same exposition.
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{server.Endpoint}/metrics");
        request.Headers.AcceptEncoding.ParseAdd("gzip");
        using var response = await http.SendAsync(request);
        Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
        await using var gzip = new System.IO.Compression.GZipStream(await response.Content.ReadAsStreamAsync(), System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var compressed = Exposition.Parse(await reader.ReadToEndAsync());
        Assert.Equal(scrape.Families.Keys.Order(), compressed.Families.Keys.Order());
    }

    [Fact]
    public async Task Families_types_help_and_label_names_match_a_real_etcd_3_4()
    {
        Assert.True(MemberProcess.EtcdAvailable, "etcd is missing: apt-get install etcd-server");
        using var dir = new TempDir();
        using var fastkv = await MemberProcess.StartFastKvAsync(dir.Sub("fastkv"), extra: ["--metrics", "extensive"]);
        using var etcd = await MemberProcess.StartEtcdAsync(dir.Sub("etcd"), extra: ["--metrics", "extensive"]);
        foreach (var endpoint in new[] { fastkv.Endpoint, etcd.Endpoint })
        {
            Assert.Equal(0, (await Etcdctl.RunAsync(endpoint, "put", "k", "v")).ExitCode);
            Assert.Equal(0, (await Etcdctl.RunAsync(endpoint, "get", "k")).ExitCode);
        }
        var ours = await ScrapeAsync(fastkv.Endpoint);
        var theirs = await ScrapeAsync(etcd.Endpoint);

        var compared = 0;
        // FastKv's own families, and etcd 3.5's apply histogram (3.4 has only the slow-apply counter), have no 3.4 reference.
        foreach (var family in ours.Families.Values.Where(f => !f.Name.StartsWith("fastkv_", StringComparison.Ordinal) && f.Name != "etcd_server_apply_duration_seconds"))
        {
            Assert.True(theirs.Families.TryGetValue(family.Name, out var reference), $"etcd 3.4 has no {family.Name}");
            Assert.Equal(reference.Type, family.Type);
            Assert.Equal(reference.Help, family.Help);
            Assert.Equal(reference.LabelNames, family.LabelNames);
            if (family.Type == "histogram")
            {
                var les = family.Samples.Where(s => s.Name.EndsWith("_bucket", StringComparison.Ordinal)).Select(s => s.Label("le")).Distinct();
                var referenceLes = reference.Samples.Where(s => s.Name.EndsWith("_bucket", StringComparison.Ordinal)).Select(s => s.Label("le")).Distinct();
                Assert.Equal(referenceLes, les);
            }
            compared++;
        }
        Assert.True(compared >= 30, $"only {compared} families compared");

        // Same methods report the same grpc_type; same label values for the info gauges.
        var referenceTypes = theirs.AllSamples("grpc_server_started_total").ToDictionary(s => s.Label("grpc_service") + "/" + s.Label("grpc_method"), s => s.Label("grpc_type"));
        var common = 0;
        foreach (var s in ours.AllSamples("grpc_server_started_total"))
            if (referenceTypes.TryGetValue(s.Label("grpc_service") + "/" + s.Label("grpc_method"), out var type))
            {
                Assert.Equal(type, s.Label("grpc_type"));
                common++;
            }
        Assert.True(common >= 30, $"only {common} gRPC methods in common with etcd");
        Assert.Equal(theirs.Value("grpc_server_handled_total", ("grpc_code", "OK"), ("grpc_method", "Put")),
            ours.Value("grpc_server_handled_total", ("grpc_code", "OK"), ("grpc_method", "Put")));
        Assert.Equal(theirs["etcd_server_id"].Samples.Single().Label("server_id"), ours["etcd_server_id"].Samples.Single().Label("server_id"));
        Assert.Equal(theirs["etcd_cluster_version"].Samples.Single().Labels, ours["etcd_cluster_version"].Samples.Single().Labels);
        Assert.Equal(theirs.Value("etcd_server_has_leader"), ours.Value("etcd_server_has_leader"));
    }
}

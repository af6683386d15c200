// The text format details Prometheus and etcd's tooling rely on: Go's number formatting, label
// and help escaping, families in name order, and the grpc_* series pre-created per method.
using FastKv.Api;
using FastKv.Grpc.Server;
using FastKv.Server.Metrics;

namespace FastKv.Server.Tests.Metrics;

public sealed class ExpositionWriterTests
{
    [Theory]
    [InlineData(0.001, "0.001")]
    [InlineData(8.192, "8.192")]
    [InlineData(20480, "20480")]
    [InlineData(123456, "123456")]
    [InlineData(1234567, "1.234567e+06")]
    [InlineData(2147483648, "2.147483648e+09")]
    [InlineData(1795233194.05, "1.79523319405e+09")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(1e21, "1e+21")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(0.0, "0")]
    [InlineData(10, "10")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NaN, "NaN")]
    public void Numbers_print_as_the_Go_client_prints_them(double value, string expected) =>
        Assert.Equal(expected, GoFloat.Format(value));

    [Fact]
    public void Label_values_and_help_are_escaped_and_parse_back()
    {
        var registry = new MetricRegistry();
        registry.Register(new ObservedValue("x_info", "help with \\ and\nnewline", MetricType.Gauge, () => 1, ("v", "a\"b\\c\nd")));
        var text = registry.Render();
        Assert.Contains("# HELP x_info help with \\\\ and\\nnewline\n", text);
        Assert.Equal("a\"b\\c\nd", Exposition.Parse(text)["x_info"].Samples.Single().Label("v"));
    }

    [Fact]
    public void Families_are_written_in_name_order_and_names_are_unique()
    {
        var registry = new MetricRegistry();
        registry.Register(new Counter("b_total", "b"));
        registry.Register(new Counter("a_total", "a"));
        Assert.Throws<InvalidOperationException>(() => registry.Register(new Counter("a_total", "again")));
        Assert.Equal(["a_total", "b_total"], Exposition.Parse(registry.Render()).Families.Keys);
    }

    [Fact]
    public void Grpc_series_exist_at_zero_for_every_method_and_code_before_any_call()
    {
        var methods = new[]
        {
            new GrpcMethodInfo("etcdserverpb.KV", "Range", "/etcdserverpb.KV/Range", MethodKind.Unary),
            new GrpcMethodInfo("etcdserverpb.Watch", "Watch", "/etcdserverpb.Watch/Watch", MethodKind.DuplexStreaming),
        };
        var grpc = new GrpcServerMetrics(methods, handlingHistogram: false);
        var registry = new MetricRegistry();
        registry.RegisterAll(grpc.Families());
        var scrape = Exposition.Parse(registry.Render());
        Assert.Equal(2 * 17, scrape["grpc_server_handled_total"].Samples.Count);
        Assert.All(scrape["grpc_server_handled_total"].Samples, s => Assert.Equal(0, s.Value));
        Assert.Equal(1, scrape["grpc_server_handled_total"].Samples.Count(s => s.Label("grpc_code") == "Canceled" && s.Label("grpc_method") == "Watch" && s.Label("grpc_type") == "bidi_stream"));
        Assert.False(scrape.Families.ContainsKey("grpc_server_handling_seconds"), "basic metrics have no handling histogram, as in etcd");

        grpc.OnCallStarted(methods[0]);
        grpc.OnCallCompleted(methods[0], StatusCode.Cancelled, TimeSpan.FromMilliseconds(3));
        scrape = Exposition.Parse(registry.Render());
        Assert.Equal(1, scrape.Value("grpc_server_handled_total", ("grpc_code", "Canceled"), ("grpc_method", "Range")));
        Assert.Equal(1, scrape.Value("grpc_server_msg_received_total", ("grpc_method", "Range")));
        Assert.Equal(0, scrape.Value("grpc_server_msg_sent_total", ("grpc_method", "Range")));
    }

    [Fact]
    public void Leader_changes_count_each_new_known_leader_once()
    {
        var member = new MemberMetrics();
        member.ObserveLeader(0);
        member.ObserveLeader(7);
        member.ObserveLeader(7);
        member.ObserveLeader(0);
        member.ObserveLeader(9);
        Assert.Equal(2, member.LeaderChanges.Value);
    }
}

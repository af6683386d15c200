// Histogram and counter cells: bucket counts are cumulative in the exposition, +Inf equals
// _count, the sum is the sum of observations, and observing allocates nothing.
using FastKv.Api;
using FastKv.Grpc.Server;
using FastKv.Server.Metrics;
using FsCheck;
using FsCheck.Fluent;

namespace FastKv.Server.Tests.Metrics;

[Collection(AllocationMeasurement.Name)]
public sealed class HistogramTests
{
    [Fact]
    public void Exposed_buckets_are_cumulative_counts_of_observations_at_or_below_each_bound()
    {
        var values = Gen.Choose(0, 20_000).Select(v => v / 1000.0).ListOf();
        Prop.ForAll(values.ToArbitrary(), observed =>
        {
            var histogram = new Histogram("h_seconds", "test", Buckets.DiskLatency());
            foreach (var v in observed) histogram.Observe(v);
            var registry = new MetricRegistry();
            registry.Register(histogram);
            var scrape = Exposition.Parse(registry.Render());

            var buckets = scrape.AllSamples("h_seconds_bucket").ToList();
            Assert.Equal(15, buckets.Count);
            foreach (var b in buckets)
            {
                var le = b.Label("le") == "+Inf" ? double.PositiveInfinity : double.Parse(b.Label("le"), System.Globalization.CultureInfo.InvariantCulture);
                Assert.Equal(observed.Count(v => v <= le), b.Value);
            }
            Assert.Equal("+Inf", buckets[^1].Label("le"));
            Assert.Equal(observed.Count, scrape.Value("h_seconds_count"));
            Assert.Equal(buckets[^1].Value, scrape.Value("h_seconds_count"));
            Assert.Equal(observed.Sum(), scrape.Value("h_seconds_sum"), 6);
        }).Check(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(200));
    }

    [Fact]
    public void Disk_latency_buckets_are_etcds_one_millisecond_doubling_to_8_192_seconds()
    {
        var registry = new MetricRegistry();
        registry.Register(new Histogram("d", "x", Buckets.DiskLatency()));
        var les = Exposition.Parse(registry.Render()).AllSamples("d_bucket").Select(b => b.Label("le"));
        Assert.Equal(["0.001", "0.002", "0.004", "0.008", "0.016", "0.032", "0.064", "0.128", "0.256", "0.512", "1.024", "2.048", "4.096", "8.192", "+Inf"], les);
    }

    [Fact]
    public void Concurrent_observations_are_all_counted()
    {
        var histogram = new HistogramCells(Buckets.Default());
        Parallel.For(0, 4, _ =>
        {
            for (var i = 0; i < 25_000; i++) histogram.Observe(0.003);
        });
        var cumulative = new long[Buckets.Default().Length + 1];
        Assert.Equal(100_000, histogram.CopyCumulative(cumulative));
        Assert.Equal(300.0, histogram.Sum, 6);
    }

    [Fact]
    public void Observing_histograms_counters_and_grpc_calls_allocates_nothing()
    {
        var histogram = new Histogram("h", "h", Buckets.DiskLatency());
        var counter = new Counter("c", "c");
        var method = new GrpcMethodInfo("etcdserverpb.KV", "Range", "/etcdserverpb.KV/Range", MethodKind.Unary);
        var grpc = new GrpcServerMetrics([method], handlingHistogram: true);
        void Run(int n)
        {
            for (var i = 0; i < n; i++)
            {
                histogram.Observe(TimeSpan.FromTicks(i));
                counter.Inc();
                grpc.OnCallStarted(method);
                grpc.OnCallCompleted(method, (i & 1) == 0 ? StatusCode.OK : StatusCode.NotFound, TimeSpan.FromMilliseconds(1));
            }
        }
        Run(1000);
        // Let tiered compilation install the optimised code before measuring (on a busy machine it
        // lands during the measured loop otherwise).
        Thread.Sleep(500);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Run(100_000);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(101_000, counter.Value);
    }

    [Fact]
    public void Bucket_bounds_must_be_finite_and_increasing()
    {
        Assert.Throws<ArgumentException>(() => new HistogramCells([0.1, 0.1]));
        Assert.Throws<ArgumentException>(() => new HistogramCells([0.1, double.PositiveInfinity]));
        Assert.Throws<ArgumentException>(() => Buckets.Exponential(0, 2, 3));
    }
}

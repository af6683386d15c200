// --auto-compaction-mode/--auto-compaction-retention as etcd 3.4 reads them, its periodic
// compactor's intervals, and both compactors at work in a running member: old revisions become
// unreadable with etcd's compacted error, recent ones stay.
using System.Text.Json;
using FastKv.Server.Compaction;
using FastKv.Server.Config;
using FastKv.Server.Logging;
using FastKv.Server.Tests.Support;

namespace FastKv.Server.Tests;

public sealed class AutoCompactionTests
{
    private static readonly IReadOnlyDictionary<string, string> NoEnvironment = new Dictionary<string, string>();

    [Theory]
    [InlineData("periodic", "1", AutoCompactionMode.Periodic, 3600.0, 0L)]
    [InlineData("periodic", "30m", AutoCompactionMode.Periodic, 1800.0, 0L)]
    [InlineData("periodic", "1.5s", AutoCompactionMode.Periodic, 1.5, 0L)]
    [InlineData("revision", "1000", AutoCompactionMode.Revision, 0.0, 1000L)]
    // etcd reads a duration in revision mode as a count of nanoseconds.
    [InlineData("revision", "1us", AutoCompactionMode.Revision, 0.0, 1000L)]
    public void Retention_is_read_as_etcd_reads_it(string mode, string retention, AutoCompactionMode expectedMode, double seconds, long revisions)
    {
        var policy = ServerConfig.From(FlagSet.Parse(["--auto-compaction-mode", mode, "--auto-compaction-retention", retention], NoEnvironment)).AutoCompaction;
        Assert.NotNull(policy);
        Assert.Equal(expectedMode, policy.Mode);
        Assert.Equal(TimeSpan.FromSeconds(seconds), policy.Period);
        Assert.Equal(revisions, policy.Revisions);
    }

    [Theory]
    [InlineData("periodic", "0")]
    [InlineData("revision", "0")]
    [InlineData("periodic", "0s")]
    public void Retention_zero_turns_auto_compaction_off(string mode, string retention) =>
        Assert.Null(ServerConfig.From(FlagSet.Parse(["--auto-compaction-mode", mode, "--auto-compaction-retention", retention], NoEnvironment)).AutoCompaction);

    [Theory]
    [InlineData("periodic", "abc", "error parsing CompactionRetention: time: invalid duration \"abc\"")]
    [InlineData("periodic", "-1", "error parsing CompactionRetention: time: missing unit in duration \"-1\"")]
    [InlineData("revision", "", "error parsing CompactionRetention: time: invalid duration \"\"")]
    [InlineData("periodic", "-5m", "error parsing CompactionRetention: negative retention \"-5m\"")]
    [InlineData("foo", "1", "unknown auto-compaction-mode \"foo\"")]
    public void Bad_values_are_refused_at_startup_with_etcds_message(string mode, string retention, string message)
    {
        var e = Assert.Throws<FlagParseException>(() =>
            ServerConfig.From(FlagSet.Parse(["--auto-compaction-mode", mode, "--auto-compaction-retention", retention], NoEnvironment)));
        Assert.Equal(message, e.Message);
    }

    [Theory]
    [InlineData(60, 6, 60, 11)]        // 1h: sample every 6 min, compact every hour, a window of 11 samples
    [InlineData(24 * 60, 6, 60, 241)]  // 24h: the hour caps the intervals; the window spans the whole day
    [InlineData(10, 1, 10, 11)]        // 10m: compact every 10 min
    public void Periodic_intervals_follow_etcd(int periodMinutes, int retryMinutes, int compactMinutes, int retentions)
    {
        var compactor = new PeriodicCompactor(TimeSpan.FromMinutes(periodMinutes), new NoTarget(), JsonLog.Discard);
        Assert.Equal(TimeSpan.FromMinutes(retryMinutes), compactor.RetryInterval);
        Assert.Equal(TimeSpan.FromMinutes(compactMinutes), compactor.CompactInterval);
        Assert.Equal(retentions, compactor.Retentions);
    }

    [Fact]
    public void A_period_shorter_than_ten_milliseconds_samples_every_millisecond()
    {
        var compactor = new PeriodicCompactor(TimeSpan.FromTicks(1), new NoTarget(), JsonLog.Discard);
        Assert.Equal(TimeSpan.FromMilliseconds(1), compactor.RetryInterval);
        Assert.Equal(1, compactor.Retentions);
    }

    [Fact]
    public void The_revision_check_interval_is_five_minutes_unless_the_environment_shortens_it()
    {
        Assert.Equal(TimeSpan.FromMinutes(5), RevisionCompactor.CheckIntervalFrom(null));
        Assert.Equal(TimeSpan.FromMilliseconds(250), RevisionCompactor.CheckIntervalFrom("250ms"));
        Assert.Throws<FlagParseException>(() => RevisionCompactor.CheckIntervalFrom("0s"));
        Assert.Throws<FlagParseException>(() => RevisionCompactor.CheckIntervalFrom("soon"));
    }

    [Fact]
    public async Task Periodic_compacts_the_oldest_sample_once_a_period_has_passed_and_then_every_period()
    {
        var time = new ManualTime();
        var target = new RecordingTarget();
        await using var compactor = new PeriodicCompactor(TimeSpan.FromSeconds(10), target, JsonLog.Discard, time);
        compactor.Start();
        // The revision grows by one each second; the loop samples it every second (a tenth of the period).
        for (var second = 1; second <= 30; second++)
        {
            await time.WaitForTimersAsync(second);
            target.Revision = 100 + second;
            time.Advance(TimeSpan.FromSeconds(1));
        }
        await time.WaitForTimersAsync(31);
        // First at 10 s with the sample taken at start; then every 10 s with the oldest of the
        // 11 samples the window keeps (the one taken 11 s before).
        Assert.Equal([100L, 109, 119], target.Compacted);
    }

    [Fact]
    public async Task Periodic_retries_a_failed_compaction_a_tenth_later_and_a_follower_waits()
    {
        var time = new ManualTime();
        var target = new RecordingTarget { Failures = 1 };
        await using var compactor = new PeriodicCompactor(TimeSpan.FromSeconds(10), target, JsonLog.Discard, time);
        compactor.Start();
        for (var second = 1; second <= 12; second++)
        {
            await time.WaitForTimersAsync(second);
            target.Revision = 100 + second;
            target.IsLeader = second <= 9 || second > 10;
            time.Advance(TimeSpan.FromSeconds(1));
        }
        await time.WaitForTimersAsync(13);
        // 10 s: not the leader; 11 s: fails; 12 s: the retry succeeds with the then-oldest sample.
        Assert.Equal([100L, 101], target.Attempts);
        Assert.Equal([101L], target.Compacted);
    }

    [Fact]
    public async Task Revision_mode_compacts_current_minus_retention_when_it_moved()
    {
        var time = new ManualTime();
        var target = new RecordingTarget { Revision = 5 };
        await using var compactor = new RevisionCompactor(10, TimeSpan.FromMinutes(5), target, JsonLog.Discard, time);
        compactor.Start();
        long[] revisions = [5, 30, 30, 31, 31];
        for (var i = 0; i < revisions.Length; i++)
        {
            await time.WaitForTimersAsync(i + 1);
            target.Revision = revisions[i];
            time.Advance(TimeSpan.FromMinutes(5));
        }
        await time.WaitForTimersAsync(revisions.Length + 1);
        // 5-10 is not positive; 20 once; 20 again is skipped; then 21.
        Assert.Equal([20L, 21], target.Compacted);
    }

    [Fact]
    public async Task A_revision_found_compacted_already_counts_as_done()
    {
        var time = new ManualTime();
        var target = new RecordingTarget { Revision = 50, AlreadyCompacted = true };
        await using var compactor = new RevisionCompactor(10, TimeSpan.FromMinutes(5), target, JsonLog.Discard, time);
        compactor.Start();
        for (var i = 0; i < 3; i++)
        {
            await time.WaitForTimersAsync(i + 1);
            time.Advance(TimeSpan.FromMinutes(5));
        }
        await time.WaitForTimersAsync(4);
        Assert.Equal([40L], target.Attempts);
    }

    [Fact]
    public async Task Revision_mode_keeps_the_last_n_revisions()
    {
        Assert.True(Etcdctl.Available, "etcd-client is needed (.ci/run installs it)");
        using var dir = new TempDir();
        using var server = await MemberProcess.StartFastKvAsync(dir.Sub("data"),
            extra: ["--auto-compaction-mode", "revision", "--auto-compaction-retention", "10"],
            environment: new Dictionary<string, string> { [RevisionCompactor.CheckIntervalVariable] = "200ms" });
        for (var i = 0; i < 30; i++)
            Assert.Equal(0, (await Etcdctl.RunAsync(server.Endpoint, "put", "/rev", $"v{i}")).ExitCode);
        var current = await RevisionAsync(server.Endpoint);
        Assert.Equal(31, current);

        var completed = await WaitForLogAsync(server, $"\"msg\":\"completed auto revision compaction\",\"revision\":{current - 10}");
        Assert.True(completed, "no revision compaction at current-10 within 20 s:\n" + server.Log);
        Assert.Contains($"\"msg\":\"starting auto revision compaction\",\"revision\":{current - 10},\"revision-compaction-retention\":10", server.Log);
        var old = await Etcdctl.RunAsync(server.Endpoint, "get", "/rev", $"--rev={current - 11}");
        Assert.Contains("etcdserver: mvcc: required revision has been compacted", old.Stderr);
        var kept = await Etcdctl.RunAsync(server.Endpoint, "get", "/rev", $"--rev={current - 10}", "--print-value-only");
        Assert.Equal("v19\n", kept.Stdout);
    }

    [Fact]
    public async Task Periodic_mode_compacts_to_the_revision_of_one_period_ago()
    {
        Assert.True(Etcdctl.Available, "etcd-client is needed (.ci/run installs it)");
        using var dir = new TempDir();
        using var server = await MemberProcess.StartFastKvAsync(dir.Sub("data"),
            extra: ["--auto-compaction-mode", "periodic", "--auto-compaction-retention", "2s"]);
        for (var i = 0; i < 10; i++)
            Assert.Equal(0, (await Etcdctl.RunAsync(server.Endpoint, "put", "/periodic", $"v{i}")).ExitCode);
        // The first compaction (after one period) takes the revision sampled at start; a later one
        // takes a revision sampled after the writes.
        var compactedPastWrites = await WaitForLogAsync(server, "\"msg\":\"completed auto periodic compaction\",\"revision\":11,");
        Assert.True(compactedPastWrites, "no periodic compaction at revision 11 within 20 s:\n" + server.Log);
        var old = await Etcdctl.RunAsync(server.Endpoint, "get", "/periodic", "--rev=5");
        Assert.Contains("etcdserver: mvcc: required revision has been compacted", old.Stderr);
        var latest = await Etcdctl.RunAsync(server.Endpoint, "get", "/periodic", "--print-value-only");
        Assert.Equal("v9\n", latest.Stdout);
    }

    private static async Task<long> RevisionAsync(string endpoint)
    {
        var status = await Etcdctl.RunAsync(endpoint, "endpoint", "status", "-w", "json");
        return JsonDocument.Parse(status.Stdout).RootElement[0].GetProperty("Status").GetProperty("header").GetProperty("revision").GetInt64();
    }

    private static async Task<bool> WaitForLogAsync(MemberProcess server, string fragment)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (server.Log.Contains(fragment, StringComparison.Ordinal)) return true;
            await Task.Delay(100);
        }
        return false;
    }

    private sealed class RecordingTarget : ICompactionTarget
    {
        private readonly Lock _gate = new();
        public long Revision { get; set; } = 100;
        public bool IsLeader { get; set; } = true;
        public int Failures { get; set; }
        public bool AlreadyCompacted { get; set; }
        public List<long> Attempts { get; } = [];
        public List<long> Compacted { get; } = [];

        public long CurrentRevision => Revision;

        public Task CompactAsync(long revision, CancellationToken cancel)
        {
            lock (_gate)
            {
                Attempts.Add(revision);
                if (AlreadyCompacted) throw FastKv.Api.EtcdErrors.Compacted();
                if (Failures > 0)
                {
                    Failures--;
                    throw new FastKv.Api.EtcdException(FastKv.Api.StatusCode.Unavailable, "etcdserver: request timed out");
                }
                Compacted.Add(revision);
            }
            return Task.CompletedTask;
        }
    }

    private sealed class NoTarget : ICompactionTarget
    {
        public long CurrentRevision => 1;
        public bool IsLeader => true;
        public Task CompactAsync(long revision, CancellationToken cancel) => Task.CompletedTask;
    }
}

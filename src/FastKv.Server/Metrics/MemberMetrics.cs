// The measurements the member makes as it runs (disk latencies, leader changes, proposals,
// slow applies). The member's code calls these on its hot paths; each is an interlocked update
// of preallocated cells. Values the member already tracks (leader, indexes, sizes) are not
// duplicated here: ServerMetrics reads them at scrape time.
namespace FastKv.Server.Metrics;

public sealed class MemberMetrics
{
    /// <summary>etcd warns about, and counts, an apply that takes longer than this.</summary>
    public static readonly TimeSpan SlowApplyThreshold = TimeSpan.FromMilliseconds(100);

    private ulong _lastLeader;

    public Histogram WalFsync { get; } = new("etcd_disk_wal_fsync_duration_seconds",
        "The latency distributions of fsync called by WAL.", Buckets.DiskLatency());

    public Histogram BackendCommit { get; } = new("etcd_disk_backend_commit_duration_seconds",
        "The latency distributions of commit called by backend.", Buckets.DiskLatency());

    public Counter LeaderChanges { get; } = new("etcd_server_leader_changes_seen_total", "The number of leader changes seen.");

    public Gauge ProposalsPending { get; } = new("etcd_server_proposals_pending", "The current number of pending proposals to commit.");

    public Counter ProposalsFailed { get; } = new("etcd_server_proposals_failed_total", "The total number of failed proposals seen.");

    public ApplyDurations ApplyDurations { get; } = new();

    public Counter SlowApplies { get; } = new("etcd_server_slow_apply_total", "The total number of slow apply requests (likely overloaded from slow disk).");

    public Counter ReadIndexesFailed { get; } = new("etcd_server_read_indexes_failed_total", "The total number of failed read indexes seen.");

    public Counter HealthSuccess { get; } = new("etcd_server_health_success", "The total number of successful health checks");

    public Counter HealthFailures { get; } = new("etcd_server_health_failures", "The total number of failed health checks");

    /// <summary>Raft reported the leader it now follows (0: none). Counts a change to a known, different leader, as etcd does.</summary>
    public void ObserveLeader(ulong leader)
    {
        var previous = Interlocked.Exchange(ref _lastLeader, leader);
        if (leader != 0 && leader != previous) LeaderChanges.Inc();
    }

    public IEnumerable<MetricFamily> Families() =>
        [WalFsync, BackendCommit, ApplyDurations, LeaderChanges, ProposalsPending, ProposalsFailed, SlowApplies, ReadIndexesFailed, HealthSuccess, HealthFailures];
}

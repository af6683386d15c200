// etcd_server_apply_duration_seconds: how long applying each kind of Raft request took, and
// whether it succeeded. etcd 3.4 exposes only the slow-apply counter; this is etcd 3.5's
// histogram (name, help text, labels and buckets), which dashboards built on 3.5 read. A series
// appears when its kind is first applied, as with the Go client's labelled histograms; after
// that an observation is a dictionary lookup on a struct key and interlocked adds.
using System.Collections.Concurrent;
using FastKv.Api.Etcdserverpb;

namespace FastKv.Server.Metrics;

public sealed class ApplyDurations() : MetricFamily("etcd_server_apply_duration_seconds",
    "The latency distributions of v2 apply called by backend.", MetricType.Histogram)
{
    private static readonly double[] Bounds = Buckets.Exponential(0.0001, 2, 20);
    private readonly ConcurrentDictionary<(string Op, bool Success), HistogramCells> _series = new();

    public void Observe(string op, bool success, TimeSpan took) =>
        _series.GetOrAdd((op, success), static _ => new HistogramCells(Bounds)).Observe(took);

    internal override void WriteSamples(ExpositionWriter writer)
    {
        foreach (var ((op, success), cells) in _series.OrderBy(e => e.Key.Op, StringComparer.Ordinal).ThenBy(e => e.Key.Success))
            writer.Histogram(Name, $"op=\"{op}\",success=\"{(success ? "true" : "false")}\",version=\"v3\"", cells);
    }

    /// <summary>etcd's name for the request an entry carries.</summary>
    public static string OperationOf(InternalRaftRequest r) => r switch
    {
        { Range: not null } => "Range",
        { Put: not null } => "Put",
        { DeleteRange: not null } => "DeleteRange",
        { Txn: not null } => "Txn",
        { Compaction: not null } => "Compaction",
        { LeaseGrant: not null } => "LeaseGrant",
        { LeaseRevoke: not null } => "LeaseRevoke",
        { LeaseCheckpoint: not null } => "LeaseCheckpoint",
        { Alarm: not null } => "Alarm",
        { Authenticate: not null } => "Authenticate",
        { AuthEnable: not null } => "AuthEnable",
        { AuthDisable: not null } => "AuthDisable",
        { AuthUserAdd: not null } => "AuthUserAdd",
        { AuthUserDelete: not null } => "AuthUserDelete",
        { AuthUserChangePassword: not null } => "AuthUserChangePassword",
        { AuthUserGrantRole: not null } => "AuthUserGrantRole",
        { AuthUserGet: not null } => "AuthUserGet",
        { AuthUserRevokeRole: not null } => "AuthUserRevokeRole",
        { AuthUserList: not null } => "AuthUserList",
        { AuthRoleAdd: not null } => "AuthRoleAdd",
        { AuthRoleGrantPermission: not null } => "AuthRoleGrantPermission",
        { AuthRoleGet: not null } => "AuthRoleGet",
        { AuthRoleRevokePermission: not null } => "AuthRoleRevokePermission",
        { AuthRoleDelete: not null } => "AuthRoleDelete",
        { AuthRoleList: not null } => "AuthRoleList",
        _ => "unknown",
    };
}

// Everything one FastKv server exposes on /metrics: etcd 3.4's etcd_* families (names, help,
// types, labels and buckets as etcd prints them), the grpc_server_* families, process metrics,
// and FastKv's own version. Values the member already tracks are read at scrape time.
using FastKv.Server.Member;

namespace FastKv.Server.Metrics;

public static class ServerMetrics
{
    public static MetricRegistry Create(EtcdMember member, MemberMetrics measured, GrpcServerMetrics grpc, string fastKvVersion)
    {
        var registry = new MetricRegistry();
        registry.RegisterAll(measured.Families());
        registry.RegisterAll(grpc.Families());
        registry.RegisterAll(ProcessMetrics.Families());

        var etcdVersion = member.Config.EtcdVersion;
        registry.RegisterAll(
        [
            new ObservedValue("etcd_server_has_leader", "Whether or not a leader exists. 1 is existence, 0 is not.", MetricType.Gauge,
                () => member.Raft.Leader != 0 ? 1 : 0),
            new ObservedValue("etcd_server_is_leader", "Whether or not this member is a leader. 1 if is, 0 otherwise.", MetricType.Gauge,
                () => member.Raft.Leader == member.MemberId ? 1 : 0),
            new ObservedValue("etcd_server_proposals_committed_total", "The total number of consensus proposals committed.", MetricType.Gauge,
                () => member.Raft.CommittedIndex),
            new ObservedValue("etcd_server_proposals_applied_total", "The total number of consensus proposals applied.", MetricType.Gauge,
                () => member.Raft.AppliedIndex),
            new ObservedValue("etcd_server_quota_backend_bytes", "Current backend storage quota size in bytes.", MetricType.Gauge,
                () => member.Quota.Bytes),
            new ObservedValue("etcd_server_version", "Which version is running. 1 for 'server_version' label with current version.", MetricType.Gauge,
                () => 1, ("server_version", etcdVersion)),
            new ObservedValue("etcd_cluster_version", "Which version is running. 1 for 'cluster_version' label with current cluster version", MetricType.Gauge,
                () => 1, ("cluster_version", member.Config.EtcdClusterVersion)),
            new ObservedValue("etcd_server_id", "Server or member ID in hexadecimal format. 1 for 'server_id' label with current ID.", MetricType.Gauge,
                () => 1, ("server_id", MemberIds.ToHex(member.MemberId))),
            // etcd 3.4 declares this total as a gauge.
            new ObservedValue("etcd_disk_wal_write_bytes_total", "Total number of bytes written in WAL.", MetricType.Gauge,
                () => member.WalStatistics.BytesWritten),
            new ObservedValue("etcd_mvcc_db_total_size_in_bytes", "Total size of the underlying database physically allocated in bytes.", MetricType.Gauge,
                () => member.Backend.Size),
            new ObservedValue("etcd_debugging_mvcc_db_total_size_in_bytes", "Total size of the underlying database physically allocated in bytes.", MetricType.Gauge,
                () => member.Backend.Size),
            new ObservedValue("etcd_mvcc_db_total_size_in_use_in_bytes", "Total size of the underlying database logically in use in bytes.", MetricType.Gauge,
                () => member.Backend.SizeInUse),
            new ObservedValue("etcd_debugging_mvcc_current_revision", "The current revision of store.", MetricType.Gauge,
                () => member.Kv.CurrentRevision),
            new ObservedValue("etcd_debugging_mvcc_compact_revision", "The revision of the last compaction in store.", MetricType.Gauge,
                () => member.Kv.CompactRevision),
            new ObservedValue("fastkv_server_version", "Which FastKv build is running. 1 for 'version' label with the FastKv version.", MetricType.Gauge,
                () => 1, ("version", fastKvVersion)),
        ]);
        return registry;
    }
}

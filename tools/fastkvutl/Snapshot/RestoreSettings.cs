// What `snapshot restore` was asked for, checked as etcd checks a bootstrap configuration before it
// writes anything: the member's name is in the initial cluster, its advertised peer URLs are the
// ones the cluster lists for it, no URL is given twice, and the target directories do not exist.
using FastKv.Server.Config;
using FastKv.Server.Member;

namespace FastKv.Util.Snapshot;

internal sealed record RestoreSettings
{
    public required string SnapshotPath { get; init; }
    public required string Name { get; init; }
    public required string DataDir { get; init; }
    public required string WalDir { get; init; }
    public required bool SeparateWalDir { get; init; }
    public required string ClusterToken { get; init; }
    public required bool SkipHashCheck { get; init; }
    /// <summary>Every member of the new cluster, in ID order, with its peer URLs.</summary>
    public required IReadOnlyList<MemberInfo> Members { get; init; }
    public required ulong MemberId { get; init; }
    public required ulong ClusterId { get; init; }

    public string SnapDir => DataDirLayout.SnapDir(DataDir);

    public static RestoreSettings Check(string snapshot, string name, string dataDir, string walDir, string initialCluster,
        string clusterToken, string advertisePeerUrls, bool skipHashCheck)
    {
        var advertised = PeerUrls.ParseList(advertisePeerUrls.Split(','));
        var cluster = PeerUrls.ParseMap(initialCluster);
        if (!cluster.TryGetValue(name, out var own))
            throw new SnapshotException($"couldn't find local name \"{name}\" in the initial cluster configuration");
        if (PeerUrls.Mismatch(advertised, own) is { } why)
            throw new SnapshotException($"--initial-cluster has {string.Join(',', own.Select(u => $"{name}={u}"))} but missing from " +
                                        $"--initial-advertise-peer-urls={string.Join(',', advertised)} ({why})");
        if (PeerUrls.HasDuplicate(cluster))
            throw new SnapshotException($"initial cluster {PeerUrls.Format(cluster)} has duplicate url");

        if (dataDir.Length == 0) dataDir = DataDirLayout.DefaultFor(name);
        if (Path.Exists(dataDir))
            throw new SnapshotException($"data-dir \"{dataDir}\" exists");
        var separateWal = walDir.Length > 0;
        if (!separateWal)
            walDir = DataDirLayout.WalDir(dataDir);
        else if (Path.Exists(walDir))
            throw new SnapshotException($"wal-dir \"{walDir}\" exists");

        var members = cluster
            .Select(kv => new MemberInfo { Id = MemberIds.ForMember(kv.Value, clusterToken), Name = kv.Key, PeerUrls = kv.Value.ToArray() })
            .OrderBy(m => m.Id)
            .ToList();
        return new RestoreSettings
        {
            SnapshotPath = snapshot,
            Name = name,
            DataDir = dataDir,
            WalDir = walDir,
            SeparateWalDir = separateWal,
            ClusterToken = clusterToken,
            SkipHashCheck = skipHashCheck,
            Members = members,
            MemberId = members.Single(m => m.Name == name).Id,
            ClusterId = MemberIds.ForCluster(members.Select(m => m.Id)),
        };
    }
}

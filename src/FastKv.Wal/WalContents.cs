// What reading a WAL from a snapshot yields: the metadata, the last hard state, the entries after the
// snapshot (a later entry with an index already seen replaces it and everything after it, as raft
// overwrote a stale tail), and how the log ended.
namespace FastKv.Wal;

public sealed class WalContents
{
    public required byte[] Metadata { get; init; }
    public required HardState HardState { get; init; }
    public required IReadOnlyList<RaftEntry> Entries { get; init; }

    /// <summary>Index of the last entry record read, even one at or below the snapshot (etcd's "enti").</summary>
    public required ulong LastIndex { get; init; }

    /// <summary>The snapshot markers the log holds, in order.</summary>
    public required IReadOnlyList<WalSnapshot> Snapshots { get; init; }

    public required ScanResult Scan { get; init; }
}

// The `meta` bucket keys the key space owns, named as etcd names them. Compaction revisions
// are stored as 17-byte revision keys (main, '_', sub 0) exactly as etcd writes them.
using System.Buffers.Binary;

namespace FastKv.Mvcc.Kv;

internal static class MetaKeys
{
    public static ReadOnlySpan<byte> ScheduledCompactRev => "scheduledCompactRev"u8;
    public static ReadOnlySpan<byte> FinishedCompactRev => "finishedCompactRev"u8;

    /// <summary>A compaction revision as etcd stores it; also accepts a bare 8-byte big-endian number.</summary>
    public static long ReadRevision(ReadOnlySpan<byte> value) =>
        value.Length >= 8 ? (long)BinaryPrimitives.ReadUInt64BigEndian(value) : 0;
}

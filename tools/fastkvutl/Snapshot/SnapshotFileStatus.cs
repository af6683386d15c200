// What `snapshot status` reports about a snapshot (or any etcd page file), computed as etcdctl 3.4
// computes it, so the numbers match for the same file: a CRC-32C (Castagnoli) over every root
// bucket's name followed by each of its keys and values in order, the main revision of the last key
// in the `key` bucket, the count of keys across all buckets, and the size the pages in use occupy.
using System.Buffers.Binary;
using FastKv.Bolt;
using FastKv.Bolt.Check;
using FastKv.Wal;

namespace FastKv.Util.Snapshot;

internal readonly record struct SnapshotFileStatus(uint Hash, long Revision, long TotalKey, long TotalSize)
{
    public static SnapshotFileStatus Read(string path)
    {
        if (Directory.Exists(path))
            throw new SnapshotException($"open {path}: is a directory");
        if (!File.Exists(path))
            throw new SnapshotException($"stat {path}: no such file or directory");
        EnsureIntact(path);

        using var db = BoltDb.Open(path, new BoltOptions { ReadOnly = true });
        using var tx = db.BeginRead();
        var names = new List<byte[]>();
        tx.Root.ForEach((name, _) => names.Add(name.ToArray()));
        uint crc = 0;
        long revision = 0, keys = 0;
        foreach (var name in names)
        {
            var bucket = tx.GetBucket(name) ?? throw new SnapshotException($"cannot get hash of bucket {System.Text.Encoding.UTF8.GetString(name)}");
            crc = Crc32C.Append(crc, name);
            bool isKeyBucket = name.AsSpan().SequenceEqual("key"u8);
            bucket.ForEach((k, v) =>
            {
                crc = Crc32C.Append(crc, k);
                crc = Crc32C.Append(crc, v);
                // A key-bucket key starts with the 8-byte big-endian main revision.
                if (isKeyBucket && k.Length >= 8)
                    revision = BinaryPrimitives.ReadInt64BigEndian(k);
                keys++;
            });
        }
        return new SnapshotFileStatus(crc, revision, keys, tx.Size);
    }

    // etcdctl refuses a file bbolt cannot open ("invalid database") and one whose pages fail bbolt's
    // check; FastKv's checker finds the same damage with its own words. The snapshot trailer is
    // not part of the page file, so its rules do not count here (restore checks the digest).
    private static void EnsureIntact(string path)
    {
        var report = BoltChecker.CheckFile(path);
        if (report.Chosen == null || report.ProblemCountByRule.ContainsKey(CheckRules.FileTooSmall))
            throw new SnapshotException("invalid database");
        var problems = report.Problems
            .Where(p => p.Rule is not (CheckRules.TrailingBytes or CheckRules.SnapshotHashMismatch))
            .Select(p => p.ToString())
            .ToList();
        if (problems.Count > 0)
            throw new SnapshotException($"snapshot file integrity check failed. {problems.Count} errors found.\n{string.Join('\n', problems)}");
    }
}

// Turns a snapshot file into a new member's data dir, as etcd's restore does, that both FastKv
// and etcd 3.4 start from: the page file is copied without its 32-byte SHA-256 trailer (checked
// unless told not to), its membership buckets are replaced by the new cluster's, its consistent
// index is set to the new Raft log's snapshot index (so every later entry is applied), and the Raft
// log is written in etcd's restore layout (RestoredRaftLog). Nothing is left behind when a step fails.
using System.Security.Cryptography;
using FastKv.Mvcc.Storage;
using FastKv.Server.Config;
using FastKv.Server.Logging;
using FastKv.Server.Member;

namespace FastKv.Util.Snapshot;

internal static class SnapshotRestorer
{
    private const int HashSize = 32;

    public static void Restore(RestoreSettings s, JsonLog log)
    {
        log.Info("restoring snapshot", ("path", s.SnapshotPath), ("wal-dir", s.WalDir), ("data-dir", s.DataDir), ("snap-dir", s.SnapDir));
        try
        {
            var db = DataDirLayout.DbPath(s.DataDir);
            CopyVerified(s, db);
            // One entry per member precedes the snapshot, so its index is the member count.
            RewriteForNewCluster(s, db, (ulong)s.Members.Count, log);
            RestoredRaftLog.Write(s);
        }
        catch
        {
            RemovePartial(s);
            throw;
        }
        log.Info("restored snapshot", ("path", s.SnapshotPath), ("wal-dir", s.WalDir), ("data-dir", s.DataDir), ("snap-dir", s.SnapDir));
    }

    private static void CopyVerified(RestoreSettings s, string target)
    {
        FileStream source;
        try
        {
            source = new FileStream(s.SnapshotPath, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (FileNotFoundException)
        {
            throw new SnapshotException($"open {s.SnapshotPath}: no such file or directory");
        }
        catch (UnauthorizedAccessException) when (Directory.Exists(s.SnapshotPath))
        {
            throw new SnapshotException($"read {s.SnapshotPath}: is a directory");
        }
        using (source)
        {
            var length = source.Length;
            // etcd's rule: a saved snapshot is whole pages (a multiple of 512 bytes) plus the digest.
            var hasHash = length % 512 == HashSize;
            if (!hasHash && !s.SkipHashCheck)
                throw new SnapshotException("snapshot missing hash but --skip-hash-check=false");
            var pagesLength = hasHash ? length - HashSize : length;

            CreateOwnerOnly(s.DataDir);
            CreateOwnerOnly(s.SnapDir);
            using var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[1 << 20];
            var remaining = pagesLength;
            while (remaining > 0)
            {
                var n = source.Read(buffer, 0, (int)Math.Min(buffer.Length, remaining));
                if (n == 0) throw new SnapshotException($"read {s.SnapshotPath}: unexpected EOF");
                sha.AppendData(buffer, 0, n);
                output.Write(buffer, 0, n);
                remaining -= n;
            }
            output.Flush(flushToDisk: true);
            if (!hasHash || s.SkipHashCheck) return;
            var expected = new byte[HashSize];
            source.ReadExactly(expected);
            var actual = sha.GetHashAndReset();
            if (!expected.AsSpan().SequenceEqual(actual))
                throw new SnapshotException($"expected sha256 [{string.Join(' ', expected)}], got [{string.Join(' ', actual)}]");
        }
    }

    // The old cluster's members (and removed members) would otherwise come back in `member list`
    // of the new one; the consistent index must not exceed the new log's, or its entries would be
    // taken as already applied.
    private static void RewriteForNewCluster(RestoreSettings s, string dbPath, ulong snapshotIndex, JsonLog log)
    {
        using var backend = Backend.Open(dbPath);
        ClearBucket(backend, BucketNames.Members);
        ClearBucket(backend, BucketNames.MembersRemoved);
        foreach (var member in s.Members)
        {
            backend.Put(BucketNames.Members, MemberIds.BucketKey(member.Id), member.ToJson());
            log.Info("added member", ("cluster-id", MemberIds.ToHex(s.ClusterId)), ("local-member-id", "0"),
                ("added-peer-id", MemberIds.ToHex(member.Id)), ("added-peer-peer-urls", member.PeerUrls));
        }
        backend.SetConsistentIndex(snapshotIndex);
        // etcd 3.5 keeps the term of the consistent index beside it; its restore resets it to the new log's term.
        if (backend.BatchBucket(BucketNames.Meta).TryGet("term"u8, out _))
            backend.Put(BucketNames.Meta, "term"u8, [0, 0, 0, 0, 0, 0, 0, 1]);
        backend.Commit();
    }

    private static void ClearBucket(Backend backend, ReadOnlySpan<byte> bucket)
    {
        var keys = new List<byte[]>();
        backend.BatchBucket(bucket).ForEach((k, _) => keys.Add(k.ToArray()));
        foreach (var key in keys)
            backend.Delete(bucket, key);
    }

    // A member's data is readable by its owner only, as etcd creates it.
    private static void CreateOwnerOnly(string dir)
    {
        Directory.CreateDirectory(dir);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static void RemovePartial(RestoreSettings s)
    {
        try
        {
            if (Directory.Exists(s.DataDir)) Directory.Delete(s.DataDir, recursive: true);
            if (s.SeparateWalDir && Directory.Exists(s.WalDir)) Directory.Delete(s.WalDir, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

// `etcdctl snapshot save` appends a SHA-256 of the bolt file after its last page, and `snapshot
// restore` refuses a file whose hash does not match. Verifying it tells a damaged snapshot apart
// from a snapshot of a damaged database.
using System.Security.Cryptography;

namespace FastKv.Bolt.Check;

public static class SnapshotTrailer
{
    public static bool Matches(RawPageFile file)
    {
        if (!file.HasSnapshotTrailer) return false;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        const int chunk = 1 << 20;
        for (long at = 0; at < file.DataLength; at += chunk)
            hash.AppendData(file.Bytes(at, (int)Math.Min(chunk, file.DataLength - at)));
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return digest.SequenceEqual(file.Bytes(file.DataLength, RawPageFile.SnapshotTrailerLength));
    }
}

// Member and cluster IDs derived the way etcd derives them at bootstrap, so the same initial
// cluster and token give the same IDs on every member: a member's ID is the first 8 bytes
// (big-endian) of SHA-1 over its sorted peer URLs and the cluster token; the cluster's ID is the
// same over the sorted member IDs.
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace FastKv.Server.Member;

public static class MemberIds
{
    public static ulong ForMember(IEnumerable<string> peerUrls, string clusterToken)
    {
        var sorted = peerUrls.OrderBy(u => u, StringComparer.Ordinal);
        var bytes = Encoding.UTF8.GetBytes(string.Concat(sorted) + clusterToken);
        return BinaryPrimitives.ReadUInt64BigEndian(SHA1.HashData(bytes));
    }

    public static ulong ForCluster(IEnumerable<ulong> memberIds)
    {
        var ids = memberIds.Order().ToArray();
        var bytes = new byte[ids.Length * 8];
        for (var i = 0; i < ids.Length; i++)
            BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(i * 8), ids[i]);
        return BinaryPrimitives.ReadUInt64BigEndian(SHA1.HashData(bytes));
    }

    /// <summary>etcd's text form of an ID: lower-case hex without padding.</summary>
    public static string ToHex(ulong id) => id.ToString("x", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The key of a member's entry in the `members` bucket: its ID in that text form.</summary>
    public static byte[] BucketKey(ulong id) => Encoding.ASCII.GetBytes(ToHex(id));
}

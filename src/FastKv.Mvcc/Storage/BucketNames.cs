// etcd's bucket names in the page file. An etcd snapshot opens in FastKv and the other way
// round only because these match byte for byte.
namespace FastKv.Mvcc.Storage;

public static class BucketNames
{
    public static ReadOnlySpan<byte> Key => "key"u8;
    public static ReadOnlySpan<byte> Meta => "meta"u8;
    public static ReadOnlySpan<byte> Lease => "lease"u8;
    public static ReadOnlySpan<byte> Auth => "auth"u8;
    public static ReadOnlySpan<byte> AuthUsers => "authUsers"u8;
    public static ReadOnlySpan<byte> AuthRoles => "authRoles"u8;
    public static ReadOnlySpan<byte> Members => "members"u8;
    public static ReadOnlySpan<byte> MembersRemoved => "members_removed"u8;
    public static ReadOnlySpan<byte> Cluster => "cluster"u8;
    public static ReadOnlySpan<byte> Alarm => "alarm"u8;

    /// <summary>Every bucket a member creates when it opens a fresh file.</summary>
    public static IEnumerable<byte[]> All()
    {
        yield return Key.ToArray();
        yield return Meta.ToArray();
        yield return Lease.ToArray();
        yield return Auth.ToArray();
        yield return AuthUsers.ToArray();
        yield return AuthRoles.ToArray();
        yield return Members.ToArray();
        yield return MembersRemoved.ToArray();
        yield return Cluster.ToArray();
        yield return Alarm.ToArray();
    }
}

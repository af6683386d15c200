// The permission cache entry of one user: the union of the key ranges of all the user's
// roles, split into what the user may read and what it may write.
using FastKv.Api.Authpb;

namespace FastKv.Mvcc.Auth;

internal sealed class UserPermissions
{
    public KeyRangeSet Read { get; } = new();
    public KeyRangeSet Write { get; } = new();

    public static UserPermissions Build(User user, IReadOnlyDictionary<string, Role> roles)
    {
        var permissions = new UserPermissions();
        foreach (var roleName in user.Roles)
        {
            if (!roles.TryGetValue(roleName, out var role)) continue;
            foreach (var perm in role.KeyPermission)
            {
                var (begin, end) = ToInterval(perm.Key.Span, perm.RangeEnd.Span);
                if (perm.PermType is Permission.Types.Type.Read or Permission.Types.Type.Readwrite)
                    permissions.Read.Add(begin, end);
                if (perm.PermType is Permission.Types.Type.Write or Permission.Types.Type.Readwrite)
                    permissions.Write.Add(begin, end);
            }
        }
        return permissions;
    }

    /// <summary>etcd's key/range_end convention as an interval: empty end = the key alone, "\0" = open end.</summary>
    public static (byte[] Begin, byte[]? End) ToInterval(ReadOnlySpan<byte> key, ReadOnlySpan<byte> rangeEnd)
    {
        if (rangeEnd.IsEmpty) return (key.ToArray(), KeyRangeSet.KeySuccessor(key));
        if (rangeEnd.Length == 1 && rangeEnd[0] == 0) return (key.ToArray(), null);
        return (key.ToArray(), rangeEnd.ToArray());
    }

    /// <summary>Whether the set covers what a request names with etcd's key/range_end convention.</summary>
    public static bool Covers(KeyRangeSet set, ReadOnlySpan<byte> key, ReadOnlySpan<byte> rangeEnd)
    {
        if (rangeEnd.IsEmpty) return set.ContainsKey(key);
        if (rangeEnd.Length == 1 && rangeEnd[0] == 0) return set.Contains(key, default, openEnd: true);
        return set.Contains(key, rangeEnd, openEnd: false);
    }
}

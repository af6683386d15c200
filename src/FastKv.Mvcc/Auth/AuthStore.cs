// Owns users, roles and the auth switch, persisted in etcd's layout: bucket `auth` holds
// "authEnabled" (one byte, 1/0) and "authRevision" (8 bytes big-endian), `authUsers` holds
// authpb.User by name (password = bcrypt hash text), `authRoles` holds authpb.Role by name.
// The revision counts changes so a request checked against an older auth state is refused
// at apply. Memory mirrors the buckets; mutations run on the apply thread and write into
// the backend's batch, checks run anywhere. The permission checks live in AuthStore.Checks.cs.
using System.Buffers.Binary;
using System.Text;
using FastKv.Api;
using FastKv.Api.Authpb;
using FastKv.Api.Etcdserverpb;
using FastKv.Mvcc.Storage;
using Google.Protobuf;

namespace FastKv.Mvcc.Auth;

public sealed partial class AuthStore
{
    public const string RootUser = "root";
    public const string RootRole = "root";

    private static ReadOnlySpan<byte> EnabledKey => "authEnabled"u8;
    private static ReadOnlySpan<byte> RevisionKey => "authRevision"u8;

    private readonly object _gate = new();
    private readonly Backend _backend;
    private readonly AuthStoreOptions _options;
    private readonly Dictionary<string, User> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Role> _roles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UserPermissions> _permissions = new(StringComparer.Ordinal);
    private readonly SimpleTokens _tokens;
    private volatile bool _enabled;
    private ulong _revision;

    /// <summary>Loads the auth buckets; a fresh store starts at auth revision 1 (0 means "no user" in a request).</summary>
    public AuthStore(Backend backend, AuthStoreOptions? options = null)
    {
        _backend = backend;
        _options = options ?? new AuthStoreOptions();
        _tokens = new SimpleTokens(_options.Time, _options.TokenTtl);
        Reload();
    }

    public bool IsEnabled => _enabled;

    public ulong Revision
    {
        get { lock (_gate) return _revision; }
    }

    /// <summary>Reads the buckets' last committed state again (open, or after a snapshot replaced the file); tokens are dropped.</summary>
    public void Reload()
    {
        lock (_gate)
        {
            _users.Clear();
            _roles.Clear();
            _permissions.Clear();
            _tokens.Clear();
            _enabled = false;
            _revision = 0;
            using (var tx = _backend.BeginRead())
            {
                var auth = tx.GetBucket(BucketNames.Auth);
                if (auth is not null)
                {
                    if (auth.TryGet(EnabledKey, out var flag) && flag.Length == 1) _enabled = flag[0] == 1;
                    if (auth.TryGet(RevisionKey, out var rev) && rev.Length == 8) _revision = BinaryPrimitives.ReadUInt64BigEndian(rev);
                }
                var users = tx.GetBucket(BucketNames.AuthUsers);
                if (users is not null)
                {
                    var c = users.Cursor();
                    for (var ok = c.First(out var k, out var v); ok; ok = c.Next(out k, out v))
                    {
                        var user = Parse(User.Parser, "authUsers", k, v);
                        _users[user.Name.ToStringUtf8()] = user;
                    }
                }
                var roles = tx.GetBucket(BucketNames.AuthRoles);
                if (roles is not null)
                {
                    var c = roles.Cursor();
                    for (var ok = c.First(out var k, out var v); ok; ok = c.Next(out k, out v))
                    {
                        var role = Parse(Role.Parser, "authRoles", k, v);
                        _roles[role.Name.ToStringUtf8()] = role;
                    }
                }
            }
            if (_revision == 0) CommitRevision();
        }
    }

    // ---- switch --------------------------------------------------------------------------

    /// <summary>Turns auth on; requires user root holding role root. Enabling twice is a no-op.</summary>
    public AuthEnableResponse Enable()
    {
        lock (_gate)
        {
            if (_enabled) return new AuthEnableResponse();
            if (!_users.TryGetValue(RootUser, out var root)) throw EtcdErrors.RootUserNotExist();
            if (!HasRootRole(root)) throw EtcdErrors.RootRoleNotExist();
            _backend.Put(BucketNames.Auth, EnabledKey, [1]);
            _enabled = true;
            _permissions.Clear();
            return new AuthEnableResponse();
        }
    }

    /// <summary>Turns auth off; every token dies.</summary>
    public AuthDisableResponse Disable()
    {
        lock (_gate)
        {
            if (!_enabled) return new AuthDisableResponse();
            _backend.Put(BucketNames.Auth, EnabledKey, [0]);
            _enabled = false;
            _tokens.Clear();
            CommitRevision();
            return new AuthDisableResponse();
        }
    }

    // ---- users ---------------------------------------------------------------------------

    public AuthUserAddResponse UserAdd(AuthUserAddRequest request)
    {
        if (string.IsNullOrEmpty(request.Name)) throw EtcdErrors.UserEmpty();
        var noPassword = request.Options?.NoPassword ?? false;
        lock (_gate)
        {
            if (_users.ContainsKey(request.Name)) throw EtcdErrors.UserAlreadyExist();
        }
        // bcrypt is slow by design; hash outside the lock so checks are not held up.
        var hash = noPassword ? "" : Bcrypt.Hash(request.Password, _options.BcryptCost);
        lock (_gate)
        {
            if (_users.ContainsKey(request.Name)) throw EtcdErrors.UserAlreadyExist();
            var user = new User
            {
                Name = ByteString.CopyFromUtf8(request.Name),
                Password = ByteString.CopyFromUtf8(hash),
                Options = new UserAddOptions { NoPassword = noPassword },
            };
            PutUser(user);
            CommitRevision();
            return new AuthUserAddResponse();
        }
    }

    public AuthUserDeleteResponse UserDelete(AuthUserDeleteRequest request)
    {
        lock (_gate)
        {
            if (_enabled && request.Name == RootUser) throw EtcdErrors.InvalidAuthMgmt();
            if (!_users.Remove(request.Name)) throw EtcdErrors.UserNotFound();
            _backend.Delete(BucketNames.AuthUsers, Encoding.UTF8.GetBytes(request.Name));
            _permissions.Remove(request.Name);
            _tokens.InvalidateUser(request.Name);
            CommitRevision();
            return new AuthUserDeleteResponse();
        }
    }

    public AuthUserChangePasswordResponse UserChangePassword(AuthUserChangePasswordRequest request)
    {
        lock (_gate)
        {
            if (!_users.ContainsKey(request.Name)) throw EtcdErrors.UserNotFound();
        }
        var hash = Bcrypt.Hash(request.Password, _options.BcryptCost);
        lock (_gate)
        {
            if (!_users.TryGetValue(request.Name, out var user)) throw EtcdErrors.UserNotFound();
            var updated = user.Clone();
            updated.Password = ByteString.CopyFromUtf8(hash);
            PutUser(updated);
            _tokens.InvalidateUser(request.Name);
            CommitRevision();
            return new AuthUserChangePasswordResponse();
        }
    }

    /// <summary>Grants a role; the root role needs no role record. Granting a held role again is a no-op.</summary>
    public AuthUserGrantRoleResponse UserGrantRole(AuthUserGrantRoleRequest request)
    {
        lock (_gate)
        {
            if (!_users.TryGetValue(request.User, out var user)) throw EtcdErrors.UserNotFound();
            if (request.Role != RootRole && !_roles.ContainsKey(request.Role)) throw EtcdErrors.RoleNotFound();
            if (user.Roles.Contains(request.Role)) return new AuthUserGrantRoleResponse();
            var updated = user.Clone();
            var roles = updated.Roles.Append(request.Role).Order(StringComparer.Ordinal).ToArray();
            updated.Roles.Clear();
            updated.Roles.AddRange(roles);
            PutUser(updated);
            _permissions.Remove(request.User);
            CommitRevision();
            return new AuthUserGrantRoleResponse();
        }
    }

    public AuthUserRevokeRoleResponse UserRevokeRole(AuthUserRevokeRoleRequest request)
    {
        lock (_gate)
        {
            if (_enabled && request.Name == RootUser && request.Role == RootRole) throw EtcdErrors.InvalidAuthMgmt();
            if (!_users.TryGetValue(request.Name, out var user)) throw EtcdErrors.UserNotFound();
            if (!user.Roles.Contains(request.Role)) throw EtcdErrors.RoleNotGranted();
            var updated = user.Clone();
            updated.Roles.Remove(request.Role);
            PutUser(updated);
            _permissions.Remove(request.Name);
            CommitRevision();
            return new AuthUserRevokeRoleResponse();
        }
    }

    public AuthUserGetResponse UserGet(AuthUserGetRequest request)
    {
        lock (_gate)
        {
            if (!_users.TryGetValue(request.Name, out var user)) throw EtcdErrors.UserNotFound();
            var response = new AuthUserGetResponse();
            response.Roles.AddRange(user.Roles);
            return response;
        }
    }

    public AuthUserListResponse UserList()
    {
        lock (_gate)
        {
            var response = new AuthUserListResponse();
            response.Users.AddRange(_users.Keys.Order(StringComparer.Ordinal));
            return response;
        }
    }

    // ---- roles ---------------------------------------------------------------------------

    public AuthRoleAddResponse RoleAdd(AuthRoleAddRequest request)
    {
        if (string.IsNullOrEmpty(request.Name)) throw EtcdErrors.RoleEmpty();
        lock (_gate)
        {
            if (_roles.ContainsKey(request.Name)) throw EtcdErrors.RoleAlreadyExist();
            PutRole(new Role { Name = ByteString.CopyFromUtf8(request.Name) });
            CommitRevision();
            return new AuthRoleAddResponse();
        }
    }

    /// <summary>Deletes a role and takes it away from every user holding it.</summary>
    public AuthRoleDeleteResponse RoleDelete(AuthRoleDeleteRequest request)
    {
        lock (_gate)
        {
            if (_enabled && request.Role == RootRole) throw EtcdErrors.InvalidAuthMgmt();
            if (!_roles.Remove(request.Role)) throw EtcdErrors.RoleNotFound();
            _backend.Delete(BucketNames.AuthRoles, Encoding.UTF8.GetBytes(request.Role));
            foreach (var user in _users.Values.Where(u => u.Roles.Contains(request.Role)).ToArray())
            {
                var updated = user.Clone();
                updated.Roles.Remove(request.Role);
                PutUser(updated);
            }
            _permissions.Clear();
            CommitRevision();
            return new AuthRoleDeleteResponse();
        }
    }

    /// <summary>The role's permissions; the root role reports read-write on every key.</summary>
    public AuthRoleGetResponse RoleGet(AuthRoleGetRequest request)
    {
        lock (_gate)
        {
            if (!_roles.TryGetValue(request.Role, out var role)) throw EtcdErrors.RoleNotFound();
            var response = new AuthRoleGetResponse();
            if (request.Role == RootRole)
            {
                response.Perm.Add(new Permission
                {
                    PermType = Permission.Types.Type.Readwrite,
                    Key = ByteString.Empty,
                    RangeEnd = ByteString.CopyFrom(0),
                });
            }
            else
            {
                response.Perm.AddRange(role.KeyPermission.Select(p => p.Clone()));
            }
            return response;
        }
    }

    public AuthRoleListResponse RoleList()
    {
        lock (_gate)
        {
            var response = new AuthRoleListResponse();
            response.Roles.AddRange(_roles.Keys.Order(StringComparer.Ordinal));
            return response;
        }
    }

    /// <summary>Adds a permission, or changes the type of the one with the same key and range end. Kept sorted by key.</summary>
    public AuthRoleGrantPermissionResponse RoleGrantPermission(AuthRoleGrantPermissionRequest request)
    {
        if (request.Perm is null) throw EtcdErrors.PermissionNotGiven();
        lock (_gate)
        {
            if (!_roles.TryGetValue(request.Name, out var role)) throw EtcdErrors.RoleNotFound();
            var updated = role.Clone();
            var perms = updated.KeyPermission;
            var index = 0;
            while (index < perms.Count && perms[index].Key.Span.SequenceCompareTo(request.Perm.Key.Span) < 0) index++;
            var same = -1;
            for (var i = index; i < perms.Count && perms[i].Key.Span.SequenceEqual(request.Perm.Key.Span); i++)
            {
                if (perms[i].RangeEnd.Span.SequenceEqual(request.Perm.RangeEnd.Span)) { same = i; break; }
            }
            if (same >= 0) perms[same].PermType = request.Perm.PermType;
            else perms.Insert(index, request.Perm.Clone());
            PutRole(updated);
            _permissions.Clear();
            CommitRevision();
            return new AuthRoleGrantPermissionResponse();
        }
    }

    public AuthRoleRevokePermissionResponse RoleRevokePermission(AuthRoleRevokePermissionRequest request)
    {
        lock (_gate)
        {
            if (!_roles.TryGetValue(request.Role, out var role)) throw EtcdErrors.RoleNotFound();
            var updated = role.Clone();
            var index = -1;
            for (var i = 0; i < updated.KeyPermission.Count; i++)
            {
                var p = updated.KeyPermission[i];
                if (p.Key.Span.SequenceEqual(request.Key.Span) && p.RangeEnd.Span.SequenceEqual(request.RangeEnd.Span)) { index = i; break; }
            }
            if (index < 0) throw EtcdErrors.PermissionNotGranted();
            updated.KeyPermission.RemoveAt(index);
            PutRole(updated);
            _permissions.Clear();
            CommitRevision();
            return new AuthRoleRevokePermissionResponse();
        }
    }

    // ---- authentication --------------------------------------------------------------------

    /// <summary>
    /// Checks a password before the server proposes an Authenticate entry (bcrypt is too slow
    /// for the apply thread). Returns the auth revision it was checked at.
    /// </summary>
    public ulong CheckPassword(string name, string password)
    {
        User? user;
        lock (_gate)
        {
            if (!_enabled) throw EtcdErrors.AuthNotEnabled();
            _users.TryGetValue(name, out user);
        }
        if (user is null || (user.Options?.NoPassword ?? false) || !Bcrypt.Verify(password, user.Password.Span))
            throw EtcdErrors.AuthFailed();
        lock (_gate) return _revision;
    }

    /// <summary>The random part of a simple token, chosen by the member that proposes the Authenticate entry.</summary>
    public static string NewTokenPrefix() => SimpleTokens.NewPrefix();

    /// <summary>Apply of an Authenticate entry: assigns "prefix.index" to the user on every member.</summary>
    public AuthenticateResponse ApplyAuthenticate(InternalAuthenticateRequest request, ulong raftIndex)
    {
        lock (_gate)
        {
            if (!_enabled) throw EtcdErrors.AuthNotEnabled();
            if (!_users.TryGetValue(request.Name, out var user) || (user.Options?.NoPassword ?? false)) throw EtcdErrors.AuthFailed();
            return new AuthenticateResponse { Token = _tokens.Assign(request.SimpleToken, raftIndex, request.Name) };
        }
    }

    /// <summary>Password check and token assignment in one step, for a caller that does not go through Raft.</summary>
    public AuthenticateResponse Authenticate(string name, string password, ulong raftIndex)
    {
        CheckPassword(name, password);
        return ApplyAuthenticate(new InternalAuthenticateRequest { Name = name, Password = "", SimpleToken = NewTokenPrefix() }, raftIndex);
    }

    /// <summary>Who a token stands for, at the current auth revision; refreshes the token's TTL.</summary>
    public AuthInfo AuthInfoFromToken(string token)
    {
        lock (_gate)
        {
            if (!_tokens.TryUse(token, out var user)) throw EtcdErrors.InvalidAuthToken();
            return new AuthInfo(user, _revision);
        }
    }

    // ---- internals -----------------------------------------------------------------------

    private static T Parse<T>(MessageParser<T> parser, string bucket, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
        where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(value);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"{bucket} bucket: record {Encoding.UTF8.GetString(key)} does not parse: {e.Message}", e);
        }
    }

    private static bool HasRootRole(User user) => user.Roles.Contains(RootRole);

    private void PutUser(User user)
    {
        var name = user.Name.ToStringUtf8();
        _users[name] = user;
        _backend.Put(BucketNames.AuthUsers, user.Name.Span, user.ToByteArray());
        _permissions.Remove(name);
    }

    private void PutRole(Role role)
    {
        _roles[role.Name.ToStringUtf8()] = role;
        _backend.Put(BucketNames.AuthRoles, role.Name.Span, role.ToByteArray());
    }

    private void CommitRevision()
    {
        _revision++;
        Span<byte> v = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(v, _revision);
        _backend.Put(BucketNames.Auth, RevisionKey, v);
    }
}

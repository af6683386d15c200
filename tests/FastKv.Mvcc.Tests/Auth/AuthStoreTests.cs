// Behaviour of the auth store per etcd rule: the switch, users, roles, permissions, tokens,
// revisions, the checks of each request kind and persistence across a reopen.
using System.Text;
using System.Text.RegularExpressions;
using FastKv.Api;
using FastKv.Api.Authpb;
using FastKv.Api.Etcdserverpb;
using FastKv.Mvcc.Auth;
using FastKv.Mvcc.Storage;
using Google.Protobuf;
using PermType = FastKv.Api.Authpb.Permission.Types.Type;

namespace FastKv.Mvcc.Tests.Auth;

public sealed class AuthStoreTests : IDisposable
{
    private readonly AuthFixture _f = new();
    private AuthStore Store => _f.Store;

    public void Dispose() => _f.Dispose();

    private static void Fails(string message, StatusCode code, Action action)
    {
        var e = Assert.Throws<EtcdException>(action);
        Assert.Equal(message, e.Message);
        Assert.Equal(code, e.Code);
    }

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void Enable_requires_user_root_holding_role_root()
    {
        Fails("etcdserver: root user does not exist", StatusCode.FailedPrecondition, () => Store.Enable());
        _f.AddUser("root");
        Fails("etcdserver: root user does not have root role", StatusCode.FailedPrecondition, () => Store.Enable());
        _f.Grant("root", "root"); // the root role needs no role record
        Store.Enable();
        Assert.True(Store.IsEnabled);
        Store.Enable();
        Assert.True(Store.IsEnabled);
    }

    [Fact]
    public void Every_change_but_enable_bumps_the_revision()
    {
        var r0 = Store.Revision;
        Assert.Equal(1UL, r0);
        _f.AddUser("root");
        _f.AddRole("r");
        _f.Permit("r", PermType.Read, "a");
        _f.Grant("root", "root");
        Assert.Equal(r0 + 4, Store.Revision);
        Store.Enable();
        Assert.Equal(r0 + 4, Store.Revision);
        Store.Disable();
        Assert.Equal(r0 + 5, Store.Revision);
    }

    [Fact]
    public void User_add_refuses_empty_and_duplicate_names_and_stores_a_2a_bcrypt_hash()
    {
        Fails("etcdserver: user name is empty", StatusCode.InvalidArgument, () => _f.AddUser(""));
        _f.AddUser("u", "secret");
        Fails("etcdserver: user name already exists", StatusCode.FailedPrecondition, () => _f.AddUser("u"));
        _f.Backend.Backend.Commit();
        using var tx = _f.Backend.Backend.BeginRead();
        Assert.True(tx.GetBucket(BucketNames.AuthUsers)!.TryGet("u"u8, out var value));
        var user = User.Parser.ParseFrom(value);
        Assert.Equal("u", user.Name.ToStringUtf8());
        Assert.StartsWith("$2a$04$", user.Password.ToStringUtf8());
        Assert.True(Bcrypt.Verify("secret", user.Password.Span));
    }

    [Fact]
    public void Authenticate_needs_auth_on_the_right_password_and_a_password_user()
    {
        _f.AddUser("u", "secret");
        Fails("etcdserver: authentication is not enabled", StatusCode.FailedPrecondition, () => _f.Login("u", "secret"));
        Store.UserAdd(new AuthUserAddRequest { Name = "nopw", Password = "ignored", Options = new UserAddOptions { NoPassword = true } });
        _f.EnableWithRoot();
        const string failed = "etcdserver: authentication failed, invalid user ID or password";
        Fails(failed, StatusCode.InvalidArgument, () => _f.Login("u", "wrong"));
        Fails(failed, StatusCode.InvalidArgument, () => _f.Login("ghost", "secret"));
        Fails(failed, StatusCode.InvalidArgument, () => _f.Login("nopw", ""));
        Fails(failed, StatusCode.InvalidArgument, () => _f.Login("nopw", "ignored"));

        var token = _f.Login("u", "secret");
        Assert.Matches(new Regex(@"^[a-zA-Z]{16}\.\d+$"), token);
        Assert.Equal(new AuthInfo("u", Store.Revision), Store.AuthInfoFromToken(token));
    }

    [Fact]
    public void Every_member_assigns_the_same_token_for_the_same_entry()
    {
        _f.EnableWithRoot();
        var entry = new InternalAuthenticateRequest { Name = "root", SimpleToken = AuthStore.NewTokenPrefix() };
        var token = Store.ApplyAuthenticate(entry, 42).Token;
        Assert.Equal(entry.SimpleToken + ".42", token);
        Assert.Equal(16, entry.SimpleToken.Length);

        Store.UserAdd(new AuthUserAddRequest { Name = "nopw", Options = new UserAddOptions { NoPassword = true } });
        Fails("etcdserver: authentication failed, invalid user ID or password", StatusCode.InvalidArgument,
            () => Store.ApplyAuthenticate(new InternalAuthenticateRequest { Name = "nopw", SimpleToken = AuthStore.NewTokenPrefix() }, 43));
    }

    [Fact]
    public void Tokens_expire_after_five_idle_minutes_and_use_refreshes_them()
    {
        _f.EnableWithRoot();
        var token = _f.Login("root", "rootpw");
        _f.Clock.Advance(TimeSpan.FromMinutes(4));
        Store.AuthInfoFromToken(token);
        _f.Clock.Advance(TimeSpan.FromMinutes(4));
        Store.AuthInfoFromToken(token);
        _f.Clock.Advance(TimeSpan.FromMinutes(5));
        Fails("etcdserver: invalid auth token", StatusCode.Unauthenticated, () => Store.AuthInfoFromToken(token));
        Fails("etcdserver: invalid auth token", StatusCode.Unauthenticated, () => Store.AuthInfoFromToken("nope.1"));
    }

    [Fact]
    public void Password_change_and_delete_invalidate_the_users_tokens_and_disable_all()
    {
        _f.EnableWithRoot();
        _f.AddUser("u", "one");
        _f.AddUser("v", "v");
        var t1 = _f.Login("u", "one");
        var tv = _f.Login("v", "v");
        Store.UserChangePassword(new AuthUserChangePasswordRequest { Name = "u", Password = "two" });
        Fails("etcdserver: invalid auth token", StatusCode.Unauthenticated, () => Store.AuthInfoFromToken(t1));
        Assert.Equal("v", Store.AuthInfoFromToken(tv).Username);
        Assert.ThrowsAny<EtcdException>(() => _f.Login("u", "one"));
        var t2 = _f.Login("u", "two");
        Store.UserDelete(new AuthUserDeleteRequest { Name = "u" });
        Fails("etcdserver: invalid auth token", StatusCode.Unauthenticated, () => Store.AuthInfoFromToken(t2));
        Fails("etcdserver: user name not found", StatusCode.FailedPrecondition, () => Store.UserChangePassword(new AuthUserChangePasswordRequest { Name = "u", Password = "x" }));
        var troot = _f.Login("root", "rootpw");
        Store.Disable();
        Fails("etcdserver: invalid auth token", StatusCode.Unauthenticated, () => Store.AuthInfoFromToken(troot));
    }

    [Fact]
    public void Root_user_and_role_are_protected_while_auth_is_on()
    {
        _f.AddRole("root");
        _f.EnableWithRoot();
        const string mgmt = "etcdserver: invalid auth management";
        Fails(mgmt, StatusCode.InvalidArgument, () => Store.UserDelete(new AuthUserDeleteRequest { Name = "root" }));
        Fails(mgmt, StatusCode.InvalidArgument, () => Store.UserRevokeRole(new AuthUserRevokeRoleRequest { Name = "root", Role = "root" }));
        Fails(mgmt, StatusCode.InvalidArgument, () => Store.RoleDelete(new AuthRoleDeleteRequest { Role = "root" }));
        Store.Disable();
        Store.UserRevokeRole(new AuthUserRevokeRoleRequest { Name = "root", Role = "root" });
        Store.RoleDelete(new AuthRoleDeleteRequest { Role = "root" });
        Store.UserDelete(new AuthUserDeleteRequest { Name = "root" });
        Assert.Empty(Store.UserList().Users);
    }

    [Fact]
    public void User_role_management_errors_follow_etcd()
    {
        _f.AddUser("u");
        Fails("etcdserver: user name not found", StatusCode.FailedPrecondition, () => _f.Grant("ghost", "r"));
        Fails("etcdserver: role name not found", StatusCode.FailedPrecondition, () => _f.Grant("u", "r"));
        Fails("etcdserver: role is not granted to the user", StatusCode.FailedPrecondition,
            () => Store.UserRevokeRole(new AuthUserRevokeRoleRequest { Name = "u", Role = "r" }));
        Fails("etcdserver: user name not found", StatusCode.FailedPrecondition, () => Store.UserGet(new AuthUserGetRequest { Name = "ghost" }));
        Fails("etcdserver: user name not found", StatusCode.FailedPrecondition, () => Store.UserDelete(new AuthUserDeleteRequest { Name = "ghost" }));
        Fails("etcdserver: role name is empty", StatusCode.InvalidArgument, () => _f.AddRole(""));
        _f.AddRole("r");
        Fails("etcdserver: role name already exists", StatusCode.FailedPrecondition, () => _f.AddRole("r"));
        Fails("etcdserver: role name not found", StatusCode.FailedPrecondition, () => Store.RoleGet(new AuthRoleGetRequest { Role = "x" }));
        Fails("etcdserver: role name not found", StatusCode.FailedPrecondition, () => Store.RoleDelete(new AuthRoleDeleteRequest { Role = "x" }));
        Fails("etcdserver: permission is not granted to the role", StatusCode.FailedPrecondition,
            () => Store.RoleRevokePermission(new AuthRoleRevokePermissionRequest { Role = "r", Key = ByteString.CopyFromUtf8("k") }));
        Fails("etcdserver: permission not given", StatusCode.InvalidArgument,
            () => Store.RoleGrantPermission(new AuthRoleGrantPermissionRequest { Name = "r" }));
    }

    [Fact]
    public void Users_and_roles_list_sorted_and_grants_are_idempotent_and_sorted()
    {
        foreach (var u in new[] { "zed", "amy", "bob" }) _f.AddUser(u);
        foreach (var r in new[] { "w", "a", "m" }) _f.AddRole(r);
        _f.Grant("bob", "w");
        _f.Grant("bob", "a");
        var rev = Store.Revision;
        _f.Grant("bob", "a");
        Assert.Equal(rev, Store.Revision);
        Assert.Equal(["amy", "bob", "zed"], Store.UserList().Users);
        Assert.Equal(["a", "m", "w"], Store.RoleList().Roles);
        Assert.Equal(["a", "w"], Store.UserGet(new AuthUserGetRequest { Name = "bob" }).Roles);

        Store.RoleDelete(new AuthRoleDeleteRequest { Role = "w" });
        Assert.Equal(["a"], Store.UserGet(new AuthUserGetRequest { Name = "bob" }).Roles);
    }

    [Fact]
    public void Role_permissions_are_sorted_by_key_and_a_regrant_changes_the_type()
    {
        _f.AddRole("r");
        _f.Permit("r", PermType.Read, "m", "n");
        _f.Permit("r", PermType.Write, "a");
        _f.Permit("r", PermType.Readwrite, "m", "n");
        var perms = Store.RoleGet(new AuthRoleGetRequest { Role = "r" }).Perm;
        Assert.Equal(["a", "m"], perms.Select(p => p.Key.ToStringUtf8()));
        Assert.Equal(PermType.Readwrite, perms[1].PermType);

        Store.RoleRevokePermission(new AuthRoleRevokePermissionRequest { Role = "r", Key = ByteString.CopyFromUtf8("m"), RangeEnd = ByteString.CopyFromUtf8("n") });
        Assert.Equal(["a"], Store.RoleGet(new AuthRoleGetRequest { Role = "r" }).Perm.Select(p => p.Key.ToStringUtf8()));

        _f.AddRole("root");
        var root = Assert.Single(Store.RoleGet(new AuthRoleGetRequest { Role = "root" }).Perm);
        Assert.Equal(PermType.Readwrite, root.PermType);
        Assert.True(root.Key.IsEmpty);
        Assert.Equal([0], root.RangeEnd.ToByteArray());
    }

    [Fact]
    public void Checks_pass_everything_while_auth_is_off()
    {
        Store.CheckPut(default, B("k"));
        Store.CheckRange(default, B("a"), [0]);
        Store.CheckAdmin(default);
    }

    [Fact]
    public void Key_checks_follow_single_key_prefix_and_from_key_permissions()
    {
        _f.EnableWithRoot();
        _f.AddUser("u", "pw");
        _f.AddRole("r");
        _f.Grant("u", "r");
        _f.Permit("r", PermType.Read, "single");
        _f.Permit("r", PermType.Readwrite, "/app/", "/app0"); // prefix /app/
        _f.Permit("r", PermType.Write, "z", "\0");            // from key z
        var u = _f.InfoOf("u", "pw");

        Store.CheckRange(u, B("single"), default);
        Fails("etcdserver: permission denied", StatusCode.PermissionDenied, () => Store.CheckPut(u, B("single")));
        Fails("etcdserver: permission denied", StatusCode.PermissionDenied, () => Store.CheckRange(u, B("single2"), default));
        Store.CheckRange(u, B("/app/"), B("/app0"));
        Store.CheckRange(u, B("/app/x"), B("/app/y"));
        Store.CheckDeleteRange(u, B("/app/a"), B("/app/b"));
        Fails("etcdserver: permission denied", StatusCode.PermissionDenied, () => Store.CheckRange(u, B("/app/"), B("/app1")));
        Fails("etcdserver: permission denied", StatusCode.PermissionDenied, () => Store.CheckRange(u, B("/app/"), [0]));
        Store.CheckPut(u, B("zzz"));
        Store.CheckDeleteRange(u, B("z"), [0]);
        Fails("etcdserver: permission denied", StatusCode.PermissionDenied, () => Store.CheckRange(u, B("zzz"), default));
        Fails("etcdserver: permission denied", StatusCode.PermissionDenied, () => Store.CheckWatch(u, B("z"), [0]));

        var root = _f.InfoOf("root", "rootpw");
        Store.CheckRange(root, B(""), [0]);
        Store.CheckDeleteRange(root, B(""), [0]);
    }

    [Fact]
    public void Checks_need_a_user_a_current_revision_and_an_existing_user()
    {
        _f.EnableWithRoot();
        _f.AddUser("u", "pw");
        Fails("etcdserver: user name is empty", StatusCode.InvalidArgument, () => Store.CheckRange(default, B("k"), default));
        var u = _f.InfoOf("u", "pw");
        _f.AddRole("later");
        Fails("etcdserver: revision of auth store is old", StatusCode.InvalidArgument, () => Store.CheckRange(u, B("k"), default));
        Fails("etcdserver: permission denied", StatusCode.PermissionDenied, () => Store.CheckRange(new AuthInfo("ghost", Store.Revision), B("k"), default));
    }

    [Fact]
    public void Admin_operations_need_the_root_role()
    {
        _f.EnableWithRoot();
        _f.AddUser("u", "pw");
        Fails("etcdserver: user name is empty", StatusCode.InvalidArgument, () => Store.CheckAdmin(default));
        Fails("etcdserver: user name not found", StatusCode.FailedPrecondition, () => Store.CheckAdmin(new AuthInfo("ghost", Store.Revision)));
        Fails("etcdserver: permission denied", StatusCode.PermissionDenied, () => Store.CheckAdmin(_f.InfoOf("u", "pw")));
        Store.CheckAdmin(_f.InfoOf("root", "rootpw"));
    }

    [Fact]
    public void Txn_checks_every_compare_and_every_op_of_both_branches_recursively()
    {
        _f.EnableWithRoot();
        _f.AddUser("u", "pw");
        _f.AddRole("r");
        _f.Grant("u", "r");
        _f.Permit("r", PermType.Readwrite, "ok/", "ok0");
        _f.Permit("r", PermType.Write, "wo");
        var u = _f.InfoOf("u", "pw");

        static RequestOp Put(string k, bool prev = false) => new() { RequestPut = new PutRequest { Key = ByteString.CopyFromUtf8(k), PrevKv = prev } };
        static RequestOp Get(string k) => new() { RequestRange = new RangeRequest { Key = ByteString.CopyFromUtf8(k) } };
        static RequestOp Del(string k, bool prev = false) => new() { RequestDeleteRange = new DeleteRangeRequest { Key = ByteString.CopyFromUtf8(k), PrevKv = prev } };
        static Compare Cmp(string k) => new() { Key = ByteString.CopyFromUtf8(k), Target = Compare.Types.CompareTarget.Version };

        var allowed = new TxnRequest
        {
            Compare = { Cmp("ok/1") },
            Success = { Put("ok/2"), Get("ok/3"), Put("wo"), Del("wo") },
            Failure = { new RequestOp { RequestTxn = new TxnRequest { Success = { Del("ok/4", prev: true) } } } },
        };
        Store.CheckRequest(u, allowed);

        void Denied(TxnRequest t) => Fails("etcdserver: permission denied", StatusCode.PermissionDenied, () => Store.CheckRequest(u, t));
        Denied(new TxnRequest { Compare = { Cmp("wo") } });
        Denied(new TxnRequest { Success = { Get("wo") } });
        Denied(new TxnRequest { Failure = { Put("other") } });
        Denied(new TxnRequest { Success = { Put("wo", prev: true) } });
        Denied(new TxnRequest { Success = { Del("wo", prev: true) } });
        Denied(new TxnRequest { Failure = { new RequestOp { RequestTxn = new TxnRequest { Failure = { new RequestOp { RequestTxn = new TxnRequest { Compare = { Cmp("secret") } } } } } } } });
    }

    [Fact]
    public void Lease_revoke_needs_write_on_every_attached_key()
    {
        _f.EnableWithRoot();
        _f.AddUser("u", "pw");
        _f.AddRole("r");
        _f.Grant("u", "r");
        _f.Permit("r", PermType.Write, "a", "c");
        var u = _f.InfoOf("u", "pw");
        Store.CheckLeaseKeys(u, [B("a"), B("b1")]);
        Store.CheckLeaseKeys(u, []);
        Fails("etcdserver: permission denied", StatusCode.PermissionDenied, () => Store.CheckLeaseKeys(u, [B("a"), B("c")]));
    }

    [Fact]
    public void Permission_changes_take_effect_at_once()
    {
        _f.EnableWithRoot();
        _f.AddUser("u", "pw");
        _f.AddRole("r");
        _f.Grant("u", "r");
        Fails("etcdserver: permission denied", StatusCode.PermissionDenied, () => Store.CheckRange(_f.InfoOf("u", "pw"), B("k"), default));
        _f.Permit("r", PermType.Read, "k");
        Store.CheckRange(_f.InfoOf("u", "pw"), B("k"), default);
        Store.UserRevokeRole(new AuthUserRevokeRoleRequest { Name = "u", Role = "r" });
        Fails("etcdserver: permission denied", StatusCode.PermissionDenied, () => Store.CheckRange(_f.InfoOf("u", "pw"), B("k"), default));
    }

    [Fact]
    public void Users_roles_switch_and_revision_survive_a_reopen_in_etcds_layout()
    {
        _f.AddRole("r");
        _f.Permit("r", PermType.Readwrite, "p/", "p0");
        _f.AddUser("u", "pw");
        _f.Grant("u", "r");
        _f.EnableWithRoot();
        var revision = Store.Revision;
        _f.Backend.Backend.Commit();

        var store = _f.Reopen();
        Assert.True(store.IsEnabled);
        Assert.Equal(revision, store.Revision);
        Assert.Equal(["root", "u"], store.UserList().Users);
        Assert.Equal(["r"], store.UserGet(new AuthUserGetRequest { Name = "u" }).Roles);
        var u = _f.InfoOf("u", "pw");
        store.CheckPut(u, B("p/x"));

        using var tx = _f.Backend.Backend.BeginRead();
        var auth = tx.GetBucket(BucketNames.Auth)!;
        Assert.True(auth.TryGet("authEnabled"u8, out var flag));
        Assert.Equal([1], flag.ToArray());
        Assert.True(auth.TryGet("authRevision"u8, out var rev));
        Assert.Equal(revision, System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(rev));
        Assert.True(tx.GetBucket(BucketNames.AuthRoles)!.TryGet("r"u8, out var roleBytes));
        Assert.Equal("p/", Role.Parser.ParseFrom(roleBytes).KeyPermission[0].Key.ToStringUtf8());
    }

    [Fact]
    public void Apply_check_uses_the_entry_header_and_covers_admin_keys_and_leases()
    {
        _f.EnableWithRoot();
        _f.AddUser("u", "pw");
        _f.AddRole("r");
        _f.Grant("u", "r");
        _f.Permit("r", PermType.Readwrite, "mine/", "mine0");
        var rev = Store.Revision;
        var header = new RequestHeader { Username = "u", AuthRevision = rev };
        IReadOnlyList<byte[]> Keys(long lease) => lease == 1 ? [B("mine/a")] : [B("mine/a"), B("theirs")];
        static ByteString S(string s) => ByteString.CopyFromUtf8(s);
        const string denied = "etcdserver: permission denied";

        Store.CheckApply(new InternalRaftRequest { Header = header, Put = new PutRequest { Key = S("mine/x"), Lease = 1 } }, Keys);
        Fails(denied, StatusCode.PermissionDenied, () => Store.CheckApply(new InternalRaftRequest { Header = header, Put = new PutRequest { Key = S("mine/x"), Lease = 2 } }, Keys));
        Store.CheckApply(new InternalRaftRequest { Header = header, LeaseRevoke = new LeaseRevokeRequest { ID = 1 } }, Keys);
        Fails(denied, StatusCode.PermissionDenied, () => Store.CheckApply(new InternalRaftRequest { Header = header, LeaseRevoke = new LeaseRevokeRequest { ID = 2 } }, Keys));
        Fails(denied, StatusCode.PermissionDenied, () => Store.CheckApply(new InternalRaftRequest { Header = header, Range = new RangeRequest { Key = S("theirs") } }, Keys));
        Fails(denied, StatusCode.PermissionDenied, () => Store.CheckApply(new InternalRaftRequest { Header = header, AuthRoleAdd = new AuthRoleAddRequest { Name = "x" } }, Keys));
        Fails("etcdserver: user name is empty", StatusCode.InvalidArgument, () => Store.CheckApply(new InternalRaftRequest { AuthRoleAdd = new AuthRoleAddRequest { Name = "x" } }, Keys));
        Store.CheckApply(new InternalRaftRequest { Header = new RequestHeader { Username = "root", AuthRevision = rev }, AuthRoleAdd = new AuthRoleAddRequest { Name = "x" } }, Keys);
        Store.CheckApply(new InternalRaftRequest { Header = header, LeaseGrant = new LeaseGrantRequest { TTL = 5 } }, Keys);
    }
}

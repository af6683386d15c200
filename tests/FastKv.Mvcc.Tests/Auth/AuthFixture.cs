// An AuthStore on a temporary backend with a manual clock and a cheap bcrypt cost, plus
// shorthands for the requests the tests send.
using FastKv.Api.Authpb;
using FastKv.Api.Etcdserverpb;
using FastKv.Mvcc.Auth;
using FastKv.Mvcc.Tests.Support;
using Google.Protobuf;

namespace FastKv.Mvcc.Tests.Auth;

internal sealed class AuthFixture : IDisposable
{
    private ulong _index = 100;

    public AuthFixture()
    {
        Store = NewStore();
    }

    public TempBackend Backend { get; } = new();
    public ManualClock Clock { get; } = new();
    public AuthStore Store { get; private set; }

    public AuthStore NewStore() => new(Backend.Backend, new AuthStoreOptions { Time = Clock, BcryptCost = 4 });

    public AuthStore Reopen()
    {
        Backend.Reopen();
        return Store = NewStore();
    }

    public void Dispose() => Backend.Dispose();

    public void AddUser(string name, string password = "pw") =>
        Store.UserAdd(new AuthUserAddRequest { Name = name, Password = password });

    public void AddRole(string name) => Store.RoleAdd(new AuthRoleAddRequest { Name = name });

    public void Grant(string user, string role) => Store.UserGrantRole(new AuthUserGrantRoleRequest { User = user, Role = role });

    public void Permit(string role, Permission.Types.Type type, string key, string rangeEnd = "") =>
        Store.RoleGrantPermission(new AuthRoleGrantPermissionRequest
        {
            Name = role,
            Perm = new Permission { PermType = type, Key = ByteString.CopyFromUtf8(key), RangeEnd = ByteString.CopyFromUtf8(rangeEnd) },
        });

    /// <summary>root:root with role root, and auth on.</summary>
    public void EnableWithRoot()
    {
        AddUser("root", "rootpw");
        Grant("root", "root");
        Store.Enable();
    }

    public string Login(string user, string password) => Store.Authenticate(user, password, ++_index).Token;

    public AuthInfo InfoOf(string user, string password) => Store.AuthInfoFromToken(Login(user, password));
}

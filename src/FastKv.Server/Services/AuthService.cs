// etcdserverpb.Auth: every change to users, roles and the auth switch goes through Raft and is
// checked for admin rights at apply. Authenticate checks the password here (bcrypt is too slow
// for the apply thread) and proposes only the user and a fresh token prefix, so the password
// never reaches the log.
using FastKv.Api.Etcdserverpb;
using FastKv.Grpc.Server;
using FastKv.Mvcc.Auth;
using FastKv.Server.Member;
using Google.Protobuf;

namespace FastKv.Server.Services;

public sealed class AuthService(EtcdMember member)
{
    private const string Service = "etcdserverpb.Auth";

    public void Register(MethodTable methods)
    {
        Admin<AuthEnableRequest, AuthEnableResponse>(methods, "AuthEnable", AuthEnableRequest.Parser, r => new() { AuthEnable = r });
        Admin<AuthDisableRequest, AuthDisableResponse>(methods, "AuthDisable", AuthDisableRequest.Parser, r => new() { AuthDisable = r });
        Admin<AuthUserAddRequest, AuthUserAddResponse>(methods, "UserAdd", AuthUserAddRequest.Parser, r => new() { AuthUserAdd = r });
        Admin<AuthUserGetRequest, AuthUserGetResponse>(methods, "UserGet", AuthUserGetRequest.Parser, r => new() { AuthUserGet = r });
        Admin<AuthUserListRequest, AuthUserListResponse>(methods, "UserList", AuthUserListRequest.Parser, r => new() { AuthUserList = r });
        Admin<AuthUserDeleteRequest, AuthUserDeleteResponse>(methods, "UserDelete", AuthUserDeleteRequest.Parser, r => new() { AuthUserDelete = r });
        Admin<AuthUserChangePasswordRequest, AuthUserChangePasswordResponse>(methods, "UserChangePassword", AuthUserChangePasswordRequest.Parser, r => new() { AuthUserChangePassword = r });
        Admin<AuthUserGrantRoleRequest, AuthUserGrantRoleResponse>(methods, "UserGrantRole", AuthUserGrantRoleRequest.Parser, r => new() { AuthUserGrantRole = r });
        Admin<AuthUserRevokeRoleRequest, AuthUserRevokeRoleResponse>(methods, "UserRevokeRole", AuthUserRevokeRoleRequest.Parser, r => new() { AuthUserRevokeRole = r });
        Admin<AuthRoleAddRequest, AuthRoleAddResponse>(methods, "RoleAdd", AuthRoleAddRequest.Parser, r => new() { AuthRoleAdd = r });
        Admin<AuthRoleGetRequest, AuthRoleGetResponse>(methods, "RoleGet", AuthRoleGetRequest.Parser, r => new() { AuthRoleGet = r });
        Admin<AuthRoleListRequest, AuthRoleListResponse>(methods, "RoleList", AuthRoleListRequest.Parser, r => new() { AuthRoleList = r });
        Admin<AuthRoleDeleteRequest, AuthRoleDeleteResponse>(methods, "RoleDelete", AuthRoleDeleteRequest.Parser, r => new() { AuthRoleDelete = r });
        Admin<AuthRoleGrantPermissionRequest, AuthRoleGrantPermissionResponse>(methods, "RoleGrantPermission", AuthRoleGrantPermissionRequest.Parser, r => new() { AuthRoleGrantPermission = r });
        Admin<AuthRoleRevokePermissionRequest, AuthRoleRevokePermissionResponse>(methods, "RoleRevokePermission", AuthRoleRevokePermissionRequest.Parser, r => new() { AuthRoleRevokePermission = r });
        methods.AddUnary<AuthenticateRequest, AuthenticateResponse>(Service, "Authenticate", AuthenticateRequest.Parser, Authenticate);
    }

    // One shape for every management call: propose as the caller, answer with the apply's response.
    private void Admin<TRequest, TResponse>(MethodTable methods, string name, MessageParser<TRequest> parser, Func<TRequest, InternalRaftRequest> wrap)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>, IHasResponseHeader
    {
        methods.AddUnary<TRequest, TResponse>(Service, name, parser, async (request, call) =>
            member.Fill(await member.ProposeAsync<TResponse>(wrap(request), call.CancellationToken, member.Caller(call)).ConfigureAwait(false)));
    }

    private async ValueTask<AuthenticateResponse> Authenticate(AuthenticateRequest request, CallContext call)
    {
        member.Auth.CheckPassword(request.Name, request.Password);
        var response = await member.ProposeAsync<AuthenticateResponse>(new InternalRaftRequest
        {
            Authenticate = new InternalAuthenticateRequest { Name = request.Name, SimpleToken = AuthStore.NewTokenPrefix() },
        }, call.CancellationToken).ConfigureAwait(false);
        return member.Fill(response);
    }
}

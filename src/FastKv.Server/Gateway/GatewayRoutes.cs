// The HTTP paths etcd 3.4's JSON gateway serves (the google.api.http bindings of its .proto files,
// all POST with the whole request as the body) and the gRPC method each one calls. The request
// type and streaming shape come from the .proto service descriptors, so a method no service has
// registered still parses its body as grpc-gateway would before the call fails.
using System.Collections.Frozen;
using FastKv.Api.Etcdserverpb;
using FastKv.Api.V3electionpb;
using FastKv.Api.V3lockpb;
using Google.Protobuf.Reflection;

namespace FastKv.Server.Gateway;

/// <param name="IgnoresEndOfRequests">
/// The call goes on after its request side ends. etcd's watch server ignores a client's
/// half-close, so `curl -d '{"create_request":...}' /v3/watch` keeps streaming events after the
/// body has ended; the gateway keeps a watch's request side open until the client goes away,
/// whatever the handler does on half-close.
/// </param>
internal sealed record GatewayRoute(string GrpcPath, MessageDescriptor Request, bool StreamsRequests, bool StreamsResponses, bool IgnoresEndOfRequests);

internal static class GatewayRoutes
{
    private static readonly FrozenDictionary<string, GatewayRoute> Routes = Build();

    /// <summary>The route of a /v3/... path (after the /v3beta alias is folded in), or null.</summary>
    public static GatewayRoute? Find(string path) => Routes.GetValueOrDefault(path);

    private static FrozenDictionary<string, GatewayRoute> Build()
    {
        var rpc = RpcReflection.Descriptor;
        var routes = new Dictionary<string, GatewayRoute>(StringComparer.Ordinal);
        void Add(FileDescriptor file, string service, string method, params string[] paths)
        {
            var s = file.Services.Single(x => x.Name == service);
            var m = s.Methods.Single(x => x.Name == method);
            var route = new GatewayRoute("/" + s.FullName + "/" + m.Name, m.InputType, m.IsClientStreaming, m.IsServerStreaming,
                IgnoresEndOfRequests: s.FullName == "etcdserverpb.Watch");
            foreach (var p in paths) routes.Add("/v3/" + p, route);
        }

        Add(rpc, "KV", "Range", "kv/range");
        Add(rpc, "KV", "Put", "kv/put");
        Add(rpc, "KV", "DeleteRange", "kv/deleterange");
        Add(rpc, "KV", "Txn", "kv/txn");
        Add(rpc, "KV", "Compact", "kv/compaction");

        Add(rpc, "Watch", "Watch", "watch");

        Add(rpc, "Lease", "LeaseGrant", "lease/grant");
        Add(rpc, "Lease", "LeaseRevoke", "lease/revoke", "kv/lease/revoke");
        Add(rpc, "Lease", "LeaseKeepAlive", "lease/keepalive");
        Add(rpc, "Lease", "LeaseTimeToLive", "lease/timetolive", "kv/lease/timetolive");
        Add(rpc, "Lease", "LeaseLeases", "lease/leases", "kv/lease/leases");

        Add(rpc, "Cluster", "MemberAdd", "cluster/member/add");
        Add(rpc, "Cluster", "MemberRemove", "cluster/member/remove");
        Add(rpc, "Cluster", "MemberUpdate", "cluster/member/update");
        Add(rpc, "Cluster", "MemberList", "cluster/member/list");
        Add(rpc, "Cluster", "MemberPromote", "cluster/member/promote");

        Add(rpc, "Maintenance", "Alarm", "maintenance/alarm");
        Add(rpc, "Maintenance", "Status", "maintenance/status");
        Add(rpc, "Maintenance", "Defragment", "maintenance/defragment");
        // Hash and HashKV are both bound to this path in etcd 3.4; the first binding (Hash) serves it.
        Add(rpc, "Maintenance", "Hash", "maintenance/hash");
        Add(rpc, "Maintenance", "Snapshot", "maintenance/snapshot");
        Add(rpc, "Maintenance", "MoveLeader", "maintenance/transfer-leadership");

        Add(rpc, "Auth", "AuthEnable", "auth/enable");
        Add(rpc, "Auth", "AuthDisable", "auth/disable");
        Add(rpc, "Auth", "Authenticate", "auth/authenticate");
        Add(rpc, "Auth", "UserAdd", "auth/user/add");
        Add(rpc, "Auth", "UserGet", "auth/user/get");
        Add(rpc, "Auth", "UserList", "auth/user/list");
        Add(rpc, "Auth", "UserDelete", "auth/user/delete");
        Add(rpc, "Auth", "UserChangePassword", "auth/user/changepw");
        Add(rpc, "Auth", "UserGrantRole", "auth/user/grant");
        Add(rpc, "Auth", "UserRevokeRole", "auth/user/revoke");
        Add(rpc, "Auth", "RoleAdd", "auth/role/add");
        Add(rpc, "Auth", "RoleGet", "auth/role/get");
        Add(rpc, "Auth", "RoleList", "auth/role/list");
        Add(rpc, "Auth", "RoleDelete", "auth/role/delete");
        Add(rpc, "Auth", "RoleGrantPermission", "auth/role/grant");
        Add(rpc, "Auth", "RoleRevokePermission", "auth/role/revoke");

        var lockFile = V3LockReflection.Descriptor;
        Add(lockFile, "Lock", "Lock", "lock/lock");
        Add(lockFile, "Lock", "Unlock", "lock/unlock");

        var election = V3ElectionReflection.Descriptor;
        Add(election, "Election", "Campaign", "election/campaign");
        Add(election, "Election", "Proclaim", "election/proclaim");
        Add(election, "Election", "Leader", "election/leader");
        Add(election, "Election", "Observe", "election/observe");
        Add(election, "Election", "Resign", "election/resign");
        return routes.ToFrozenDictionary(StringComparer.Ordinal);
    }
}

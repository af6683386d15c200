// Client-visible authentication and authorization errors, with etcd's text and gRPC codes.
namespace FastKv.Api;

public static partial class EtcdErrors
{
    public static EtcdException RootUserNotExist() => new(StatusCode.FailedPrecondition, "etcdserver: root user does not exist");
    public static EtcdException RootRoleNotExist() => new(StatusCode.FailedPrecondition, "etcdserver: root user does not have root role");
    public static EtcdException UserAlreadyExist() => new(StatusCode.FailedPrecondition, "etcdserver: user name already exists");
    public static EtcdException UserEmpty() => new(StatusCode.InvalidArgument, "etcdserver: user name is empty");
    public static EtcdException UserNotFound() => new(StatusCode.FailedPrecondition, "etcdserver: user name not found");
    public static EtcdException RoleAlreadyExist() => new(StatusCode.FailedPrecondition, "etcdserver: role name already exists");
    public static EtcdException RoleNotFound() => new(StatusCode.FailedPrecondition, "etcdserver: role name not found");
    public static EtcdException RoleEmpty() => new(StatusCode.InvalidArgument, "etcdserver: role name is empty");
    public static EtcdException AuthFailed() => new(StatusCode.InvalidArgument, "etcdserver: authentication failed, invalid user ID or password");
    public static EtcdException PermissionDenied() => new(StatusCode.PermissionDenied, "etcdserver: permission denied");
    public static EtcdException RoleNotGranted() => new(StatusCode.FailedPrecondition, "etcdserver: role is not granted to the user");
    public static EtcdException PermissionNotGranted() => new(StatusCode.FailedPrecondition, "etcdserver: permission is not granted to the role");
    public static EtcdException PermissionNotGiven() => new(StatusCode.InvalidArgument, "etcdserver: permission not given");
    public static EtcdException AuthNotEnabled() => new(StatusCode.FailedPrecondition, "etcdserver: authentication is not enabled");
    public static EtcdException InvalidAuthToken() => new(StatusCode.Unauthenticated, "etcdserver: invalid auth token");
    public static EtcdException InvalidAuthMgmt() => new(StatusCode.InvalidArgument, "etcdserver: invalid auth management");
    public static EtcdException AuthOldRevision() => new(StatusCode.InvalidArgument, "etcdserver: revision of auth store is old");
}

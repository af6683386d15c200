// Every etcd response message carries a ResponseHeader in field 1; this interface names that
// fact so the server can fill headers without knowing each response type. The generated
// classes already have the property, so each declaration below only states the interface.
namespace FastKv.Api.Etcdserverpb;

public interface IHasResponseHeader
{
    ResponseHeader Header { get; set; }
}

public sealed partial class RangeResponse : IHasResponseHeader;
public sealed partial class PutResponse : IHasResponseHeader;
public sealed partial class DeleteRangeResponse : IHasResponseHeader;
public sealed partial class TxnResponse : IHasResponseHeader;
public sealed partial class CompactionResponse : IHasResponseHeader;
public sealed partial class HashKVResponse : IHasResponseHeader;
public sealed partial class HashResponse : IHasResponseHeader;
public sealed partial class SnapshotResponse : IHasResponseHeader;
public sealed partial class WatchResponse : IHasResponseHeader;
public sealed partial class LeaseGrantResponse : IHasResponseHeader;
public sealed partial class LeaseRevokeResponse : IHasResponseHeader;
public sealed partial class LeaseCheckpointResponse : IHasResponseHeader;
public sealed partial class LeaseKeepAliveResponse : IHasResponseHeader;
public sealed partial class LeaseTimeToLiveResponse : IHasResponseHeader;
public sealed partial class LeaseLeasesResponse : IHasResponseHeader;
public sealed partial class MemberAddResponse : IHasResponseHeader;
public sealed partial class MemberRemoveResponse : IHasResponseHeader;
public sealed partial class MemberUpdateResponse : IHasResponseHeader;
public sealed partial class MemberListResponse : IHasResponseHeader;
public sealed partial class MemberPromoteResponse : IHasResponseHeader;
public sealed partial class DefragmentResponse : IHasResponseHeader;
public sealed partial class MoveLeaderResponse : IHasResponseHeader;
public sealed partial class AlarmResponse : IHasResponseHeader;
public sealed partial class StatusResponse : IHasResponseHeader;
public sealed partial class AuthEnableResponse : IHasResponseHeader;
public sealed partial class AuthDisableResponse : IHasResponseHeader;
public sealed partial class AuthenticateResponse : IHasResponseHeader;
public sealed partial class AuthUserAddResponse : IHasResponseHeader;
public sealed partial class AuthUserGetResponse : IHasResponseHeader;
public sealed partial class AuthUserDeleteResponse : IHasResponseHeader;
public sealed partial class AuthUserChangePasswordResponse : IHasResponseHeader;
public sealed partial class AuthUserGrantRoleResponse : IHasResponseHeader;
public sealed partial class AuthUserRevokeRoleResponse : IHasResponseHeader;
public sealed partial class AuthRoleAddResponse : IHasResponseHeader;
public sealed partial class AuthRoleGetResponse : IHasResponseHeader;
public sealed partial class AuthRoleListResponse : IHasResponseHeader;
public sealed partial class AuthUserListResponse : IHasResponseHeader;
public sealed partial class AuthRoleDeleteResponse : IHasResponseHeader;
public sealed partial class AuthRoleGrantPermissionResponse : IHasResponseHeader;
public sealed partial class AuthRoleRevokePermissionResponse : IHasResponseHeader;

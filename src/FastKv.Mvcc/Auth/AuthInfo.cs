// Who a request acts for: the user name and the auth revision its token was checked against
// (the revision travels in the Raft request header so apply can spot a stale token).
// Default (empty name, revision 0) is "no user".
using FastKv.Api.Etcdserverpb;

namespace FastKv.Mvcc.Auth;

public readonly record struct AuthInfo(string? Username, ulong Revision)
{
    public bool IsEmpty => string.IsNullOrEmpty(Username);

    /// <summary>The user an applied entry acts for; no header means no user.</summary>
    public static AuthInfo From(RequestHeader? header) =>
        header is null ? default : new AuthInfo(header.Username, header.AuthRevision);
}

// Who a request acts for: the user name and the auth revision its token was checked against
// (the revision travels in the Raft request header so apply can spot a stale token).
// Default (empty name, revision 0) is "no user".
namespace FastKv.Mvcc.Auth;

public readonly record struct AuthInfo(string? Username, ulong Revision)
{
    public bool IsEmpty => string.IsNullOrEmpty(Username);
}

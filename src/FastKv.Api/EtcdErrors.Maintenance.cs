// etcd's errors for the maintenance service: leadership transfer, and the root check of
// defragmentation, which etcd answers with the auth store's own error rather than the
// translated one (code Unknown, "auth: ..." instead of "etcdserver: ...").
namespace FastKv.Api;

public static partial class EtcdErrors
{
    public static EtcdException BadLeaderTransferee() => new(StatusCode.FailedPrecondition, "etcdserver: bad leader transferee");

    /// <summary>An auth refusal (user empty, not found, permission denied) as etcd's maintenance service reports it.</summary>
    public static EtcdException AsUntranslatedAuthError(EtcdException e) =>
        e.Message.StartsWith("etcdserver: ", StringComparison.Ordinal)
            ? new(StatusCode.Unknown, "auth: " + e.Message["etcdserver: ".Length..])
            : e;
}

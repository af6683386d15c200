// The --quota-backend-bytes rule: a request that adds data is refused unless the backend's
// size plus the request's estimated cost stays below the quota (etcd's strict comparison);
// the server then raises the NOSPACE alarm. The estimates are etcd's: a key costs its bytes plus 256 of metadata, a
// lease 64, a transaction its costlier branch. Requests that add nothing cost 0.
using FastKv.Api.Etcdserverpb;

namespace FastKv.Mvcc.Alarm;

public sealed class BackendQuota
{
    public const long DefaultBytes = 2L * 1024 * 1024 * 1024;
    public const long MaxBytes = 8L * 1024 * 1024 * 1024;
    public const int KeyOverhead = 256;
    public const int LeaseOverhead = 64;

    private BackendQuota(long bytes, bool enabled, string? warning)
    {
        Bytes = bytes;
        Enabled = enabled;
        Warning = warning;
    }

    /// <summary>The quota in force (bytes); meaningless when not Enabled.</summary>
    public long Bytes { get; }

    /// <summary>False for a negative flag value: no quota at all.</summary>
    public bool Enabled { get; }

    /// <summary>What the server should log about the configured value, if anything.</summary>
    public string? Warning { get; }

    /// <summary>From the flag's value: 0 = the 2 GiB default, negative = disabled, above 8 GiB = used but warned about.</summary>
    public static BackendQuota FromFlag(long quotaBackendBytes)
    {
        if (quotaBackendBytes < 0)
            return new BackendQuota(0, enabled: false, "disabling backend quota");
        if (quotaBackendBytes == 0)
            return new BackendQuota(DefaultBytes, enabled: true, null);
        if (quotaBackendBytes > MaxBytes)
            return new BackendQuota(quotaBackendBytes, enabled: true,
                $"backend quota {quotaBackendBytes} exceeds maximum recommended quota {MaxBytes}");
        return new BackendQuota(quotaBackendBytes, enabled: true, null);
    }

    public bool CanAccept(long backendSize, long cost) => !Enabled || backendSize + cost < Bytes;

    public bool CanAccept(PutRequest request, long backendSize) => CanAccept(backendSize, Cost(request));
    public bool CanAccept(TxnRequest request, long backendSize) => CanAccept(backendSize, Cost(request));
    public bool CanAccept(LeaseGrantRequest request, long backendSize) => CanAccept(backendSize, LeaseOverhead);
    public bool CanAccept(InternalRaftRequest request, long backendSize) => CanAccept(backendSize, Cost(request));

    public static long Cost(PutRequest request) => KeyOverhead + request.Key.Length + request.Value.Length;

    /// <summary>
    /// Only one branch runs, so the costlier one counts. Unlike etcd 3.4, puts inside nested
    /// transactions count too, so NOSPACE cannot be slipped past by nesting a put.
    /// </summary>
    public static long Cost(TxnRequest request) => Math.Max(Cost(request.Success), Cost(request.Failure));

    public static long Cost(InternalRaftRequest request)
    {
        if (request.Put is not null) return Cost(request.Put);
        if (request.Txn is not null) return Cost(request.Txn);
        if (request.LeaseGrant is not null) return LeaseOverhead;
        return 0;
    }

    private static long Cost(IEnumerable<RequestOp> ops)
    {
        long sum = 0;
        foreach (var op in ops)
        {
            sum += op.RequestCase switch
            {
                RequestOp.RequestOneofCase.RequestPut => Cost(op.RequestPut),
                RequestOp.RequestOneofCase.RequestTxn => Cost(op.RequestTxn),
                _ => 0,
            };
        }
        return sum;
    }
}

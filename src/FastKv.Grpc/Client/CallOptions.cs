// Per-call settings of the client: metadata (etcd's `token`, ...), a timeout sent as grpc-timeout
// and enforced locally, and the caller's cancellation.
namespace FastKv.Grpc.Client;

public readonly struct CallOptions
{
    public IReadOnlyList<KeyValuePair<string, string>>? Metadata { get; init; }

    public TimeSpan? Timeout { get; init; }

    public CancellationToken CancellationToken { get; init; }
}

// How often the batched write transaction commits. The WAL is the durable record, so a
// commit is a checkpoint, not an acknowledgement: etcd's defaults are 10,000 writes or 100 ms.
namespace FastKv.Mvcc.Storage;

public sealed class BackendOptions
{
    public int BatchLimit { get; init; } = 10_000;
    public TimeSpan BatchInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Skip fdatasync on commit; for tests and bulk loads only.</summary>
    public bool NoSync { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;
}

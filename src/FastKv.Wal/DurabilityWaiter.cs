// A pooled, reusable awaitable for one group-commit caller: completed once the fdatasync covering its
// bytes has returned. Reuse makes awaiting a commit allocation-free.
using System.Threading.Tasks.Sources;

namespace FastKv.Wal;

internal sealed class DurabilityWaiter : IValueTaskSource<ulong>
{
    private readonly WaiterPool _pool;
    // Continuations run where Complete is called: on a CompletionBatch's pool thread, never on the flush thread.
    private ManualResetValueTaskSourceCore<ulong> _core = new() { RunContinuationsAsynchronously = false };

    public DurabilityWaiter(WaiterPool pool) => _pool = pool;

    /// <summary>Log position (bytes appended) that must be durable before the caller may proceed.</summary>
    public long Ticket { get; set; }

    /// <summary>The raft index handed back to the caller.</summary>
    public ulong Index { get; set; }

    public short Version => _core.Version;

    public void Complete() => _core.SetResult(Index);

    public void Fail(Exception error) => _core.SetException(error);

    public ulong GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            _core.Reset();
            _pool.Return(this);
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}

internal sealed class WaiterPool
{
    private readonly Stack<DurabilityWaiter> _free = new();

    public DurabilityWaiter Rent()
    {
        lock (_free)
        {
            if (_free.TryPop(out var waiter))
                return waiter;
        }
        return new DurabilityWaiter(this);
    }

    public void Return(DurabilityWaiter waiter)
    {
        lock (_free)
            _free.Push(waiter);
    }
}

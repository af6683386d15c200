// Releases the callers one fdatasync covered, on a thread-pool thread: the flush thread hands over the
// whole batch as one work item and goes straight back to flushing, and the batch resumes each caller's
// continuation in turn. One queue operation per sync instead of one per caller is what lets a thousand
// concurrent proposers share syncs without drowning the two cores in thread-pool traffic. Batches are
// pooled, so steady-state group commit allocates nothing.
namespace FastKv.Wal;

internal sealed class CompletionBatch : IThreadPoolWorkItem
{
    private readonly Stack<CompletionBatch> _pool;
    private readonly List<DurabilityWaiter> _waiters = new();
    private Exception? _error;

    private CompletionBatch(Stack<CompletionBatch> pool) => _pool = pool;

    public static CompletionBatch Rent(Stack<CompletionBatch> pool)
    {
        lock (pool)
        {
            if (pool.TryPop(out var batch))
                return batch;
        }
        return new CompletionBatch(pool);
    }

    public int Count => _waiters.Count;

    public void Add(DurabilityWaiter waiter) => _waiters.Add(waiter);

    /// <summary>Hands the batch to the thread pool to complete (or fail, when <paramref name="error"/> is set).</summary>
    public void Dispatch(Exception? error = null)
    {
        _error = error;
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    public void Execute()
    {
        foreach (var waiter in _waiters)
        {
            if (_error is null)
                waiter.Complete();
            else
                waiter.Fail(new IOException("WAL write failed: " + _error.Message, _error));
        }
        _waiters.Clear();
        _error = null;
        lock (_pool)
            _pool.Push(this);
    }
}

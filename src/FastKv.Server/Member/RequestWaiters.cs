// Requests proposed through Raft, waiting to be applied: the apply loop completes each by its
// request ID with the response message or the EtcdException the apply produced. IDs follow
// etcd's scheme (member-derived prefix, start time, counter) so they are unique across restarts.
//
// Completions normally go to the thread pool, so the Raft loop never runs request code. One
// small completion per Raft iteration is held back instead and run by the loop's thread after the
// batch (RunHeldCompletion): with one client at a time that request's response leaves without a
// wake-up of a pool thread, about 30-60 us less per put on this project's VM; under load it is
// one response in a batch of hundreds.
using System.Collections.Concurrent;
using Google.Protobuf;

namespace FastKv.Server.Member;

public sealed class RequestWaiters
{
    // Larger responses are serialized on a pool thread: the Raft loop must not stall on them.
    internal const int MaxHeldResponseBytes = 16 * 1024;

    private readonly ConcurrentDictionary<ulong, Waiter> _waiting = new();
    private long _next;
    private Waiter? _held;

    public RequestWaiters(ulong memberId, TimeProvider time)
    {
        var prefix = (memberId & 0xFFFF) << 48;
        var ms = (ulong)time.GetUtcNow().ToUnixTimeMilliseconds() & 0xFF_FFFF_FFFF;
        _next = (long)(prefix | (ms << 8));
    }

    public ulong NextId() => (ulong)Interlocked.Increment(ref _next);

    public Task<object> Register(ulong id)
    {
        var waiter = new Waiter();
        _waiting[id] = waiter;
        return waiter.Task;
    }

    /// <summary>
    /// Completes with a response message, or faults when the apply produced an exception. Called
    /// by the Raft loop; the first small result of an iteration waits for RunHeldCompletion.
    /// </summary>
    public void Complete(ulong id, object result)
    {
        if (!_waiting.TryRemove(id, out var waiter)) return;
        waiter.Result = result;
        if (_held is null && IsSmall(result)) _held = waiter;
        else ThreadPool.UnsafeQueueUserWorkItem(waiter, preferLocal: false);
    }

    /// <summary>Settles the held completion on this thread; its awaiting request continues here.</summary>
    public void RunHeldCompletion()
    {
        if (_held is not { } waiter) return;
        _held = null;
        waiter.Execute();
    }

    public void Fail(ulong id, Exception error)
    {
        if (!_waiting.TryRemove(id, out var waiter)) return;
        waiter.Result = error;
        ThreadPool.UnsafeQueueUserWorkItem(waiter, preferLocal: false);
    }

    public void Forget(ulong id) => _waiting.TryRemove(id, out _);

    public void FailAll(Exception error)
    {
        RunHeldCompletion();
        foreach (var id in _waiting.Keys)
            Fail(id, error);
    }

    private static bool IsSmall(object result) =>
        result is Exception || (result is IMessage message && message.CalculateSize() <= MaxHeldResponseBytes);

    // The waiting request's task, and its own pool work item: settling on the pool costs no
    // allocation beyond the waiter. Continuations run on whichever thread settles it.
    private sealed class Waiter : TaskCompletionSource<object>, IThreadPoolWorkItem
    {
        public object? Result;

        public void Execute()
        {
            if (Result is Exception e) TrySetException(e);
            else TrySetResult(Result!);
        }
    }
}

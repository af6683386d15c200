// Requests proposed through Raft, waiting to be applied: the apply loop completes each by its
// request ID with the response message or the EtcdException the apply produced. IDs follow
// etcd's scheme (member-derived prefix, start time, counter) so they are unique across restarts.
using System.Collections.Concurrent;

namespace FastKv.Server.Member;

public sealed class RequestWaiters
{
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource<object>> _waiting = new();
    private long _next;

    public RequestWaiters(ulong memberId, TimeProvider time)
    {
        var prefix = (memberId & 0xFFFF) << 48;
        var ms = (ulong)time.GetUtcNow().ToUnixTimeMilliseconds() & 0xFF_FFFF_FFFF;
        _next = (long)(prefix | (ms << 8));
    }

    public ulong NextId() => (ulong)Interlocked.Increment(ref _next);

    public Task<object> Register(ulong id)
    {
        var tcs = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[id] = tcs;
        return tcs.Task;
    }

    /// <summary>Completes with a response message, or faults when the apply produced an exception.</summary>
    public void Complete(ulong id, object result)
    {
        if (!_waiting.TryRemove(id, out var tcs)) return;
        if (result is Exception e) tcs.TrySetException(e);
        else tcs.TrySetResult(result);
    }

    public void Fail(ulong id, Exception error)
    {
        if (_waiting.TryRemove(id, out var tcs))
            tcs.TrySetException(error);
    }

    public void Forget(ulong id) => _waiting.TryRemove(id, out _);

    public void FailAll(Exception error)
    {
        foreach (var id in _waiting.Keys)
            Fail(id, error);
    }
}

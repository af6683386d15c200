// RequestWaiters' choice of thread: the first small completion of a Raft iteration continues on
// the Raft thread once the batch is done; the rest, and anything large, continue on the pool.
using FastKv.Api.Etcdserverpb;
using FastKv.Server.Member;
using Google.Protobuf;

namespace FastKv.Server.Tests;

public sealed class RequestWaitersTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task First_small_completion_waits_for_the_batch_end_and_continues_on_that_thread()
    {
        var waiters = new RequestWaiters(1, TimeProvider.System);
        var (first, second) = (waiters.NextId(), waiters.NextId());
        var continuedOn = -1;
        var firstDone = waiters.Register(first).ContinueWith(_ => continuedOn = Environment.CurrentManagedThreadId, TaskContinuationOptions.ExecuteSynchronously);
        var secondTask = waiters.Register(second);

        var raft = new Thread(() =>
        {
            waiters.Complete(first, new PutResponse());
            waiters.Complete(second, new PutResponse());
            // The second completion does not wait for the batch end.
            secondTask.Wait(Patience);
            Assert.False(firstDone.IsCompleted);
            waiters.RunHeldCompletion();
        });
        raft.Start();
        raft.Join(Patience);

        await firstDone.WaitAsync(Patience);
        Assert.Equal(raft.ManagedThreadId, continuedOn);
        Assert.True(secondTask.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Large_responses_and_failures_continue_on_the_pool()
    {
        var waiters = new RequestWaiters(1, TimeProvider.System);
        var big = new RangeResponse();
        big.Kvs.Add(new FastKv.Api.Mvccpb.KeyValue { Key = ByteString.CopyFromUtf8("k"), Value = ByteString.CopyFrom(new byte[RequestWaiters.MaxHeldResponseBytes + 1]) });
        var (large, failed, held) = (waiters.NextId(), waiters.NextId(), waiters.NextId());
        var largeTask = waiters.Register(large);
        var failedTask = waiters.Register(failed);
        var heldTask = waiters.Register(held);

        waiters.Complete(large, big);            // too large to hold
        waiters.Fail(failed, new InvalidOperationException("no leader"));
        waiters.Complete(held, new PutResponse()); // the first small one is held
        Assert.Same(big, await largeTask.WaitAsync(Patience));
        await Assert.ThrowsAsync<InvalidOperationException>(() => failedTask.WaitAsync(Patience));
        Assert.False(heldTask.IsCompleted);

        // Stopping settles the held one too, with its real result.
        waiters.FailAll(new InvalidOperationException("stopped"));
        Assert.IsType<PutResponse>(await heldTask.WaitAsync(Patience));
    }
}

// The Raft loop's turn: a proposal that finds the raft thread asleep runs the iteration on the
// proposing thread; a proposal made inside an iteration queues instead of nesting one; and however
// proposers and the raft thread interleave, entries are applied once each, in log order, by one
// thread at a time.
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using FastKv.Raft;
using FastKv.Server.Logging;
using FastKv.Server.Member;
using FastKv.TestSupport;
using FastKv.Wal;

namespace FastKv.Server.Tests;

public sealed class RaftLoopTurnTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_lone_proposal_is_applied_on_the_proposing_thread_while_the_raft_thread_sleeps()
    {
        using var dir = new TempDir();
        using var member = LoopUnderTest.Start(dir);
        await member.UntilLeaderAsync();

        // Give the raft thread time to go back to sleep after the election, then propose from here.
        var onThisThread = 0;
        for (var attempt = 0; attempt < 20 && onThisThread == 0; attempt++)
        {
            await Task.Delay(20);
            var done = member.Propose([1]);
            if (done.IsCompleted && member.Machine.LastApplyThread == Environment.CurrentManagedThreadId) onThisThread++;
            await done.WaitAsync(Patience);
        }
        Assert.Equal(1, onThisThread);
    }

    [Fact]
    public async Task A_proposal_made_inside_an_iteration_is_queued_and_applied_after_it()
    {
        using var dir = new TempDir();
        using var member = LoopUnderTest.Start(dir);
        await member.UntilLeaderAsync();
        Task<object>? inner = null;
        member.Machine.OnApply = data =>
        {
            // Proposing from the apply (as lease revocation does) must not start a nested iteration.
            if (data[0] == 1) inner = member.Propose([2]);
        };

        await member.Propose([1]).WaitAsync(Patience);
        Assert.NotNull(inner);
        await inner!.WaitAsync(Patience);
        Assert.Equal([1, 2], member.Machine.Applied.Select(d => (int)d[0]));
        Assert.Equal(1, member.Machine.MaxDepth);
    }

    [Fact]
    public async Task Concurrent_proposers_get_every_entry_applied_once_in_order_by_one_thread_at_a_time()
    {
        using var dir = new TempDir();
        using var member = LoopUnderTest.Start(dir);
        await member.UntilLeaderAsync();

        const int Proposers = 8, Each = 150;
        var pending = new List<Task<object>>();
        var proposers = Enumerable.Range(0, Proposers).Select(p => Task.Run(async () =>
        {
            for (var i = 0; i < Each; i++)
            {
                var done = member.Propose([(byte)p, (byte)(i >> 8), (byte)i]);
                // Every third proposal waits for its answer, so the loop keeps going idle and busy.
                if (i % 3 == 0) await done.WaitAsync(Patience);
                else lock (pending) pending.Add(done);
            }
        })).ToArray();
        await Task.WhenAll(proposers).WaitAsync(Patience * 3);
        Task<object>[] rest;
        lock (pending) rest = [.. pending];
        await Task.WhenAll(rest).WaitAsync(Patience);

        Assert.Equal(1, member.Machine.MaxDepth);
        Assert.Equal(Proposers * Each, member.Machine.Applied.Count);
        // Each proposer's entries were applied in the order it proposed them, none twice.
        foreach (var p in Enumerable.Range(0, Proposers))
        {
            var mine = member.Machine.Applied.Where(d => d[0] == p).Select(d => d[1] << 8 | d[2]).ToArray();
            Assert.Equal(Enumerable.Range(0, Each), mine);
        }
        Assert.True(member.Machine.Indexes.Zip(member.Machine.Indexes.Skip(1)).All(pair => pair.First < pair.Second), "indexes must grow");
    }

    [Fact]
    public async Task Work_for_the_loop_fails_once_the_loop_has_stopped_on_an_error_or_been_disposed()
    {
        using var dir = new TempDir();
        var member = LoopUnderTest.Start(dir);
        try
        {
            await member.UntilLeaderAsync();
            member.Machine.OnApply = data => { if (data[0] == 9) throw new InvalidOperationException("apply failed"); };

            var failing = member.Propose([9]);
            await Assert.ThrowsAnyAsync<Exception>(() => failing.WaitAsync(Patience));
            Assert.NotNull(member.Fatal);
            // Before the fix this task never completed: the loop that would run it had stopped.
            var stopped = await Assert.ThrowsAsync<EtcdException>(() => member.RunOnApplyThread(() => { }).WaitAsync(Patience));
            Assert.Equal(EtcdErrors.Stopped().Message, stopped.Message);
        }
        finally
        {
            member.Dispose();
        }

        using var other = new TempDir();
        var disposed = LoopUnderTest.Start(other);
        await disposed.UntilLeaderAsync();
        disposed.Dispose();
        await Assert.ThrowsAsync<EtcdException>(() => disposed.RunOnApplyThread(() => { }).WaitAsync(Patience));
    }

    // A single-member loop over a real WAL in a temp dir, applying into a recording state machine.
    private sealed class LoopUnderTest : IDisposable
    {
        private readonly DurableLog _log;
        private readonly RaftLoop _loop;
        private readonly RequestWaiters _waiters;

        private LoopUnderTest(DurableLog log, RaftLoop loop, RequestWaiters waiters, RecordingMachine machine)
        {
            _log = log;
            _loop = loop;
            _waiters = waiters;
            Machine = machine;
        }

        public RecordingMachine Machine { get; }

        public static LoopUnderTest Start(TempDir dir)
        {
            var log = DurableLog.OpenOrCreate(dir.Sub("wal"), dir.Sub("snap"), new MemberMetadata(1, 1), [1]);
            var waiters = new RequestWaiters(1, TimeProvider.System);
            var machine = new RecordingMachine(waiters);
            var node = new RaftNode(new RaftConfig { Id = 1, ElectionTick = 10, HeartbeatTick = 1, Applied = log.SnapshotIndex }, log.Storage);
            var loop = new RaftLoop(node, log, machine, waiters, new ReadIndexQueue(), JsonLog.Discard,
                TimeSpan.FromMilliseconds(100), snapshotCount: 0, maxSnapshots: 1, maxWals: 1);
            loop.Start();
            return new LoopUnderTest(log, loop, waiters, machine);
        }

        public async Task UntilLeaderAsync()
        {
            var until = DateTime.UtcNow + Patience;
            while (_loop.Status.Leader == 0 && DateTime.UtcNow < until) await Task.Delay(5);
            Assert.NotEqual(0UL, _loop.Status.Leader);
        }

        /// <summary>Proposes a request whose apply answers with an empty PutResponse; the payload rides in its value.</summary>
        public Task<object> Propose(byte[] payload)
        {
            var id = _waiters.NextId();
            var request = new InternalRaftRequest
            {
                Header = new RequestHeader { ID = id },
                Put = new PutRequest { Value = Google.Protobuf.ByteString.CopyFrom(payload) },
            };
            var applied = _waiters.Register(id);
            _loop.Propose(id, Google.Protobuf.MessageExtensions.ToByteArray(request));
            return Detached(applied);
        }

        // The waiter settles on the loop's thread and would run the test's continuation there,
        // inside an iteration; a test that then disposed the loop would join the raft thread from itself.
        private static Task<object> Detached(Task<object> applied)
        {
            var detached = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
            applied.ContinueWith(t =>
            {
                if (t.IsFaulted) detached.SetException(t.Exception!.InnerExceptions);
                else detached.SetResult(t.Result);
            }, TaskContinuationOptions.ExecuteSynchronously);
            return detached.Task;
        }

        public Exception? Fatal => _loop.Fatal;

        public Task RunOnApplyThread(Action work) => _loop.RunOnApplyThread(work);

        public void Dispose()
        {
            _loop.Dispose();
            _log.Dispose();
        }
    }

    private sealed class RecordingMachine(RequestWaiters waiters) : IStateMachine
    {
        private int _depth;

        public List<byte[]> Applied { get; } = [];
        public List<ulong> Indexes { get; } = [];
        public int MaxDepth { get; private set; }
        public int LastApplyThread { get; private set; }
        public Action<byte[]>? OnApply { get; set; }

        public ulong DurableIndex => 0;

        public void Apply(ulong index, ulong term, ReadOnlyMemory<byte> data)
        {
            var depth = Interlocked.Increment(ref _depth);
            MaxDepth = Math.Max(MaxDepth, depth);
            try
            {
                var request = InternalRaftRequest.Parser.ParseFrom(data.Span);
                var payload = request.Put.Value.ToByteArray();
                LastApplyThread = Environment.CurrentManagedThreadId;
                Applied.Add(payload);
                Indexes.Add(index);
                OnApply?.Invoke(payload);
                waiters.Complete(request.Header.ID, new PutResponse());
            }
            finally
            {
                Interlocked.Decrement(ref _depth);
            }
        }

        public void EndBatch(ulong index) { }
        public void Flush() { }
        public void Tick(bool isLeader) { }
    }
}

// etcd's edge behaviour of the key space one case at a time: request validation and its
// error texts and codes, nested transactions, duplicate-key rules, leases, compaction across
// a reopen, watch history and concurrent readers.
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using FastKv.Api.Mvccpb;
using FastKv.Mvcc.Kv;
using Google.Protobuf;

namespace FastKv.Mvcc.Tests.Kv;

public sealed class KvStoreBehaviourTests
{
    private static ByteString B(string s) => ByteString.CopyFromUtf8(s);
    private static PutRequest P(string k, string v, long lease = 0) => new() { Key = B(k), Value = B(v), Lease = lease };
    private static RequestOp OpPut(string k, string v) => new() { RequestPut = P(k, v) };
    private static RequestOp OpDel(string k, string end = "") => new() { RequestDeleteRange = new DeleteRangeRequest { Key = B(k), RangeEnd = B(end) } };
    private static RequestOp OpGet(string k) => new() { RequestRange = new RangeRequest { Key = B(k) } };
    private static RequestOp OpTxn(TxnRequest t) => new() { RequestTxn = t };

    private static void AssertError(Action act, StatusCode code, string message)
    {
        var ex = Assert.Throws<EtcdException>(act);
        Assert.Equal(message, ex.Message);
        Assert.Equal(code, ex.Code);
    }

    [Fact]
    public void First_write_of_a_fresh_store_is_revision_2()
    {
        using var s = new TempStore();
        Assert.Equal(1, s.Kv.CurrentRevision);
        Assert.Equal(2, s.Kv.Put(P("a", "1")).Header.Revision);
    }

    [Fact]
    public void Invalid_requests_get_etcds_errors()
    {
        using var s = new TempStore();
        AssertError(() => s.Kv.Put(P("", "v")), StatusCode.InvalidArgument, "etcdserver: key is not provided");
        AssertError(() => s.Kv.Range(new RangeRequest()), StatusCode.InvalidArgument, "etcdserver: key is not provided");
        AssertError(() => s.Kv.DeleteRange(new DeleteRangeRequest()), StatusCode.InvalidArgument, "etcdserver: key is not provided");
        AssertError(() => s.Kv.Put(new PutRequest { Key = B("a"), Value = B("v"), IgnoreValue = true }), StatusCode.InvalidArgument, "etcdserver: value is provided");
        AssertError(() => s.Kv.Put(new PutRequest { Key = B("a"), Lease = 5, IgnoreLease = true }), StatusCode.InvalidArgument, "etcdserver: lease is provided");
        AssertError(() => s.Kv.Put(new PutRequest { Key = B("a"), IgnoreValue = true }), StatusCode.InvalidArgument, "etcdserver: key not found");
        AssertError(() => s.Kv.Put(P("a", "v", lease: 42)), StatusCode.NotFound, "etcdserver: requested lease not found");
        AssertError(() => s.Kv.Range(new RangeRequest { Key = B("a"), SortOrder = (RangeRequest.Types.SortOrder)7 }), StatusCode.InvalidArgument, "etcdserver: invalid sort option");
        AssertError(() => s.Kv.Range(new RangeRequest { Key = B("a"), SortTarget = (RangeRequest.Types.SortTarget)9 }), StatusCode.InvalidArgument, "etcdserver: invalid sort option");
        var empty = new TxnRequest();
        empty.Success.Add(new RequestOp());
        AssertError(() => s.Kv.Txn(empty), StatusCode.InvalidArgument, "etcdserver: key not found");
        var noKey = new TxnRequest();
        noKey.Compare.Add(new Compare());
        AssertError(() => s.Kv.Txn(noKey), StatusCode.InvalidArgument, "etcdserver: key is not provided");
        var big = new TxnRequest();
        for (int i = 0; i < 129; i++) big.Success.Add(OpPut("k" + i, "v"));
        AssertError(() => s.Kv.Txn(big), StatusCode.InvalidArgument, "etcdserver: too many operations in txn request");
        AssertError(() => s.Kv.Compact(5), StatusCode.OutOfRange, "etcdserver: mvcc: required revision is a future revision");
        // Nothing above wrote anything.
        Assert.Equal(1, s.Kv.CurrentRevision);
    }

    [Fact]
    public void Duplicate_keys_in_a_branch_are_refused_but_then_and_else_of_a_nested_txn_may_share_one()
    {
        using var s = new TempStore();
        var twice = new TxnRequest();
        twice.Success.Add(OpPut("a", "1"));
        twice.Success.Add(OpPut("a", "2"));
        AssertError(() => s.Kv.Txn(twice), StatusCode.InvalidArgument, "etcdserver: duplicate key given in txn request");

        var putInDeletedRange = new TxnRequest();
        putInDeletedRange.Failure.Add(OpDel("a", "c"));
        putInDeletedRange.Failure.Add(OpPut("b", "1"));
        AssertError(() => s.Kv.Txn(putInDeletedRange), StatusCode.InvalidArgument, "etcdserver: duplicate key given in txn request");

        var nestedClash = new TxnRequest();
        var inner = new TxnRequest();
        inner.Success.Add(OpPut("a", "1"));
        nestedClash.Success.Add(OpPut("a", "2"));
        nestedClash.Success.Add(OpTxn(inner));
        AssertError(() => s.Kv.Txn(nestedClash), StatusCode.InvalidArgument, "etcdserver: duplicate key given in txn request");

        var exclusive = new TxnRequest();
        var branches = new TxnRequest();
        branches.Success.Add(OpPut("a", "then"));
        branches.Failure.Add(OpPut("a", "else"));
        exclusive.Success.Add(OpTxn(branches));
        var resp = s.Kv.Txn(exclusive);
        Assert.True(resp.Succeeded);
        Assert.Equal("then", s.Kv.Range(new RangeRequest { Key = B("a") }).Kvs[0].Value.ToStringUtf8());
    }

    [Fact]
    public void Nested_txn_compares_see_the_state_before_the_outer_txn_and_all_writes_share_one_revision()
    {
        using var s = new TempStore();
        s.Kv.Put(P("x", "old"));
        var inner = new TxnRequest();
        // Evaluated before the outer put of x: still "old".
        inner.Compare.Add(new Compare { Key = B("x"), Target = Compare.Types.CompareTarget.Value, Result = Compare.Types.CompareResult.Equal, Value = B("old") });
        inner.Success.Add(OpPut("y", "inner-then"));
        inner.Success.Add(OpGet("x"));
        inner.Failure.Add(OpPut("y", "inner-else"));
        var outer = new TxnRequest();
        outer.Success.Add(OpPut("x", "new"));
        outer.Success.Add(OpTxn(inner));
        var resp = s.Kv.Txn(outer);
        Assert.Equal(3, resp.Header.Revision);
        var nested = resp.Responses[1].ResponseTxn;
        Assert.True(nested.Succeeded);
        Assert.Equal(0, nested.Header.Revision);
        // A read inside the transaction sees its earlier writes.
        Assert.Equal("new", nested.Responses[1].ResponseRange.Kvs[0].Value.ToStringUtf8());
        var y = s.Kv.Range(new RangeRequest { Key = B("y") }).Kvs[0];
        Assert.Equal(("inner-then", 3L), (y.Value.ToStringUtf8(), y.ModRevision));
        var events = s.Sink.Published.Single(p => p.Revision == 3).Events;
        Assert.Equal(["x", "y"], events.Select(e => e.Kv.Key.ToStringUtf8()));
    }

    [Fact]
    public void Txn_checks_the_taken_branch_before_writing_anything()
    {
        using var s = new TempStore();
        var t = new TxnRequest();
        t.Success.Add(OpPut("a", "1"));
        t.Success.Add(new RequestOp { RequestPut = P("b", "2", lease: 77) });
        AssertError(() => s.Kv.Txn(t), StatusCode.NotFound, "etcdserver: requested lease not found");
        var futureRead = new TxnRequest();
        futureRead.Success.Add(OpPut("a", "1"));
        futureRead.Success.Add(new RequestOp { RequestRange = new RangeRequest { Key = B("a"), Revision = 2 } });
        AssertError(() => s.Kv.Txn(futureRead), StatusCode.OutOfRange, "etcdserver: mvcc: required revision is a future revision");
        Assert.Equal(1, s.Kv.CurrentRevision);
        Assert.Equal(0, s.Kv.Range(new RangeRequest { Key = B("a") }).Count);
        var readOnly = new TxnRequest();
        readOnly.Success.Add(OpGet("a"));
        Assert.Equal(1, s.Kv.Txn(readOnly).Header.Revision);
    }

    [Fact]
    public void Leases_attach_on_put_move_on_overwrite_and_detach_on_delete()
    {
        using var s = new TempStore();
        s.Leases.Leases.UnionWith([1, 2]);
        s.Kv.Put(P("a", "v", lease: 1));
        Assert.Single(s.Leases.Attached[1]);
        s.Kv.Put(P("a", "v", lease: 2));
        Assert.Empty(s.Leases.Attached[1]);
        Assert.Single(s.Leases.Attached[2]);
        s.Kv.Put(new PutRequest { Key = B("a"), Value = B("w"), IgnoreLease = true });
        Assert.Equal(2, s.Kv.Range(new RangeRequest { Key = B("a") }).Kvs[0].Lease);
        s.Kv.DeleteRange(new DeleteRangeRequest { Key = B("a") });
        Assert.Empty(s.Leases.Attached[2]);

        s.Kv.Put(P("b", "v", lease: 1));
        s.Kv.Put(P("c", "v", lease: 1));
        long rev = s.Kv.DeleteKeysInOneRevision([B("b").ToByteArray(), B("c").ToByteArray(), B("missing").ToByteArray()]);
        Assert.Equal(s.Kv.CurrentRevision, rev);
        Assert.Equal(2, s.Sink.Published.Single(p => p.Revision == rev).Events.Count);
        Assert.Empty(s.Leases.Attached[1]);
    }

    [Fact]
    public async Task Compaction_interrupted_by_a_restart_resumes_and_completes()
    {
        using var s = new TempStore();
        for (int i = 0; i < 50; i++) s.Kv.Put(P("k" + (i % 5), "v" + i));
        s.Kv.DeleteRange(new DeleteRangeRequest { Key = B("k4") });
        long at = s.Kv.CurrentRevision - 3;
        s.Kv.CompactionBatchLimit = 5;
        var done = s.Kv.Compact(at);
        var before = s.Kv.HashKV(0);
        Assert.True(s.Kv.CompactStep());
        s.Reopen();
        Assert.True(done.IsCanceled);
        Assert.Equal(at, s.Kv.CompactRevision);
        Assert.True(s.Kv.CompactionPending);
        Assert.Equal(before, s.Kv.HashKV(0));
        s.Kv.FinishCompaction();
        Assert.False(s.Kv.CompactionPending);
        // Only the newest revision at or below `at` of each key (and everything newer) is left.
        using (var tx = s.Backend.BeginRead())
        {
            int old = 0;
            tx.GetBucket("key"u8)!.ForEach((k, v) => { Revision.TryParse(k, out var r, out bool tomb); if (r.Main <= at) old++; });
            Assert.Equal(5, old);
        }
        s.Reopen();
        Assert.Equal(at, s.Kv.CompactRevision);
        Assert.False(s.Kv.CompactionPending);
        Assert.Equal(before, s.Kv.HashKV(0));
        AssertError(() => s.Kv.Range(new RangeRequest { Key = B("k0"), Revision = at - 1 }), StatusCode.OutOfRange, "etcdserver: mvcc: required revision has been compacted");
        Assert.Equal(5, s.Kv.Range(new RangeRequest { Key = B("k"), RangeEnd = B("l"), Revision = at }).Count);
        AssertError(() => s.Kv.Compact(at), StatusCode.OutOfRange, "etcdserver: mvcc: required revision has been compacted");
        var second = s.Kv.Compact(s.Kv.CurrentRevision);
        s.Kv.FinishCompaction();
        await second.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Backend_commit_ticks_drive_the_compaction_sweep()
    {
        using var s = new TempStore();
        for (int i = 0; i < 30; i++) s.Kv.Put(P("k", "v" + i));
        s.Kv.CompactionBatchLimit = 4;
        var done = s.Kv.Compact(s.Kv.CurrentRevision);
        for (int i = 0; i < 20 && s.Kv.CompactionPending; i++) s.Backend.CommitIfDue();
        Assert.False(s.Kv.CompactionPending);
        s.Backend.Commit();
        Assert.True(done.IsCompletedSuccessfully);
    }

    [Fact]
    public void History_replays_puts_and_deletes_and_gives_previous_values()
    {
        using var s = new TempStore();
        s.Kv.Put(P("a", "1"));
        s.Backend.Commit();
        s.Kv.Put(P("a", "2"));
        s.Kv.DeleteRange(new DeleteRangeRequest { Key = B("a") });
        var events = new List<Event>();
        s.Kv.ReadEvents(2, 4, events);
        Assert.Equal(
            [(Event.Types.EventType.Put, "1", 2L), (Event.Types.EventType.Put, "2", 3L), (Event.Types.EventType.Delete, "", 4L)],
            events.Select(e => (e.Type, e.Kv.Value.ToStringUtf8(), e.Kv.ModRevision)));
        Assert.Equal("a", events[2].Kv.Key.ToStringUtf8());
        Assert.Equal("2", s.Kv.GetPrevious("a"u8, 4)!.Value.ToStringUtf8());
        Assert.Null(s.Kv.GetPrevious("a"u8, 2));
    }

    [Fact]
    public async Task Readers_on_other_threads_always_see_whole_revisions()
    {
        using var s = new TempStore();
        // Every transaction writes the same counter to ten keys; a reader must never see two values.
        var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        int writes = 0;
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            int reads = 0;
            while (!stop.IsCancellationRequested && (reads < 50 || Volatile.Read(ref writes) < 300))
            {
                var r = s.Kv.Range(new RangeRequest { Key = B("k"), RangeEnd = B("l") });
                Assert.True(r.Kvs.Select(kv => kv.Value.ToStringUtf8()).Distinct().Count() <= 1);
                Assert.True(r.Kvs.Count is 0 or 10);
                if (r.Kvs.Count == 10) Assert.Equal(r.Header.Revision, r.Kvs[0].ModRevision);
                reads++;
            }
            return reads;
        })).ToArray();
        for (int i = 0; i < 300; i++)
        {
            var t = new TxnRequest();
            for (int k = 0; k < 10; k++) t.Success.Add(OpPut("k" + k, "v" + i));
            s.Kv.Txn(t);
            if (i % 7 == 0) s.Backend.Commit();
            Volatile.Write(ref writes, i + 1);
        }
        var counts = await Task.WhenAll(readers);
        Assert.All(counts, c => Assert.True(c > 0));
    }

    [Fact]
    public void Hash_covers_the_whole_file_but_not_the_consistent_index()
    {
        using var a = new TempStore();
        using var b = new TempStore();
        foreach (var s in new[] { a, b })
        {
            s.Kv.Put(P("x", "1"));
            s.Kv.Put(P("y", "2"));
        }
        a.Backend.SetConsistentIndex(7);
        b.Backend.SetConsistentIndex(99);
        var ha = a.Kv.Hash();
        Assert.Equal(ha, b.Kv.Hash());
        Assert.Equal((0L, 3L), (ha.CompactRevision, ha.Revision));
        a.Reopen();
        Assert.Equal(ha, a.Kv.Hash());
        b.Kv.Put(P("x", "1"));
        Assert.NotEqual(ha.Hash, b.Kv.Hash().Hash);
        Assert.NotEqual(a.Kv.HashKV(0).Hash, b.Kv.HashKV(0).Hash);
        Assert.Equal(a.Kv.HashKV(3), b.Kv.HashKV(3) with { Revision = 3 });
        AssertError(() => a.Kv.HashKV(4), StatusCode.OutOfRange, "etcdserver: mvcc: required revision is a future revision");
    }

    [Fact]
    public void Events_are_published_once_their_revision_is_readable()
    {
        using var s = new TempStore();
        var seen = new List<(long, long, int)>();
        s.Kv.WatchSink = new CallbackSink((rev, events) =>
        {
            var r = s.Kv.Range(new RangeRequest { Key = B("a"), RangeEnd = B("z") });
            seen.Add((rev, r.Header.Revision, events.Count));
        });
        s.Kv.Put(P("a", "1"));
        var t = new TxnRequest();
        t.Success.Add(OpPut("b", "2"));
        t.Success.Add(OpPut("c", "3"));
        s.Kv.Txn(t);
        s.Kv.DeleteRange(new DeleteRangeRequest { Key = B("a"), RangeEnd = B("z") });
        s.Kv.DeleteRange(new DeleteRangeRequest { Key = B("a"), RangeEnd = B("z") });
        Assert.Equal([(2L, 2L, 1), (3L, 3L, 2), (4L, 4L, 3)], seen);
    }

    private sealed class CallbackSink(Action<long, IReadOnlyList<Event>> publish) : IWatchEventSink
    {
        public void Publish(long revision, IReadOnlyList<Event> events) => publish(revision, events);
    }
}

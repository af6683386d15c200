// Random sequences of puts, deletes, transactions, compactions, ranges (current and
// historical), commits and reopen-from-disk against KvModel: every answer, error, revision,
// published event, replayed history and lease attachment must agree, and HashKV must not
// change when the batch commits, the compaction sweep finishes or the file is reopened.
using System.Text;
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using FastKv.Api.Mvccpb;
using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;

namespace FastKv.Mvcc.Tests.Kv;

public sealed class KvStoreModelTests
{
    private static readonly string[] Keys = ["a", "b", "ba", "c", "d", "e", "f", "g"];
    private static string K(int c) => Keys[c % Keys.Length];
    private static ByteString B(string s) => ByteString.CopyFromUtf8(s);
    private static string? End(int c, int k) => (c % 4) switch { 0 or 3 => null, 1 => K(k), _ => "\0" };

    private static readonly Gen<int[][]> Sequences =
        from n in Gen.Choose(1, 60)
        from ops in Gen.ArrayOf(Gen.ArrayOf(Gen.Choose(0, 9999), 16), n)
        select ops;

    [Fact]
    public void Store_agrees_with_the_multi_version_model() =>
        Prop.ForAll(Sequences.ToArbitrary(), (int[][] ops) => Run(ops))
            .Check(Config.QuickThrowOnFailure.WithMaxTest(250));

    private static void Run(int[][] ops)
    {
        using var s = new TempStore();
        s.Leases.Leases.UnionWith([100, 200]);
        s.Kv.CompactionBatchLimit = 2;
        var m = new KvModel();
        foreach (var c in ops)
        {
            switch (c[0] % 20)
            {
                case < 7: Put(s, m, c); break;
                case < 10: Delete(s, m, c); break;
                case < 13: Txn(s, m, c); break;
                case 13: Compact(s, m, c); break;
                case < 18: Range(s, m, c); break;
                case 18:
                    var before = s.Kv.HashKV(0);
                    s.Reopen();
                    Assert.Equal(before, s.Kv.HashKV(0));
                    break;
                default:
                    var h = s.Kv.HashKV(0);
                    if (c[1] % 2 == 0) s.Kv.FinishCompaction(); else s.Backend.Commit();
                    Assert.Equal(h, s.Kv.HashKV(0));
                    break;
            }
            Assert.Equal(m.Rev, s.Kv.CurrentRevision);
            Assert.Equal(m.Compact, s.Kv.CompactRevision);
        }
        CheckPublished(s, m);
        CheckHistory(s, m);
        CheckLeases(s, m);
    }

    private static T? Expect<T>(Func<T> act, string? error) where T : class
    {
        if (error is null) return act();
        var ex = Assert.Throws<EtcdException>(() => act());
        Assert.Equal(error, ex.Message);
        return null;
    }

    private static void Put(TempStore s, KvModel m, int[] c)
    {
        string key = K(c[1]), value = "v" + c[2] % 5;
        long lease = (c[3] % 5) switch { 0 => 100, 1 => 200, 2 => 999, _ => 0 };
        bool ignoreValue = c[5] % 7 == 0, ignoreLease = c[6] % 7 == 0;
        if (ignoreValue) value = "";
        if (ignoreLease) lease = 0;
        var req = new PutRequest { Key = B(key), Value = B(value), Lease = lease, PrevKv = c[4] % 2 == 0, IgnoreValue = ignoreValue, IgnoreLease = ignoreLease };
        m.Cur.TryGetValue(key, out var prev);
        string? error = lease == 999 ? "etcdserver: requested lease not found"
            : (ignoreValue || ignoreLease) && prev is null ? "etcdserver: key not found" : null;
        var resp = Expect(() => s.Kv.Put(req), error);
        if (resp is null) return;
        m.Begin();
        m.Put(key, ignoreValue ? prev!.Value : value, ignoreLease ? prev!.Lease : lease);
        m.End();
        Assert.Equal(m.Rev, resp.Header.Revision);
        AssertKv(req.PrevKv ? prev : null, resp.PrevKv);
    }

    private static void Delete(TempStore s, KvModel m, int[] c)
    {
        string key = K(c[1]);
        string? end = End(c[2], c[3]);
        var req = new DeleteRangeRequest { Key = B(key), RangeEnd = end is null ? ByteString.Empty : B(end), PrevKv = c[4] % 2 == 0 };
        var resp = s.Kv.DeleteRange(req);
        var doomed = m.RangeAt(m.Rev, key, end);
        m.Begin();
        foreach (var kv in doomed) m.Delete(kv.Key);
        m.End();
        Assert.Equal(doomed.Count, resp.Deleted);
        Assert.Equal(m.Rev, resp.Header.Revision);
        if (req.PrevKv) AssertKvs(doomed, resp.PrevKvs);
        else Assert.Empty(resp.PrevKvs);
    }

    private static void Range(TempStore s, KvModel m, int[] c)
    {
        string key = K(c[1]);
        string? end = End(c[2], c[3]);
        long rev = c[5] % 3 == 0 ? 0 : c[5] % (m.Rev + 2);
        var req = new RangeRequest
        {
            Key = B(key),
            RangeEnd = end is null ? ByteString.Empty : B(end),
            Revision = rev,
            Limit = c[6] % 4,
            SortTarget = (RangeRequest.Types.SortTarget)(c[7] % 5),
            SortOrder = (RangeRequest.Types.SortOrder)(c[8] % 3),
            KeysOnly = c[9] % 4 == 0,
            CountOnly = c[10] % 6 == 0,
            MinModRevision = c[11] % 5 == 0 ? c[12] % (m.Rev + 1) : 0,
            MaxCreateRevision = c[13] % 5 == 0 ? c[14] % (m.Rev + 1) : 0,
        };
        bool onThread = c[15] % 2 == 0;
        string? error = rev > m.Rev ? "etcdserver: mvcc: required revision is a future revision"
            : rev > 0 && rev < m.Compact ? "etcdserver: mvcc: required revision has been compacted" : null;
        // Half of the reads run on another thread, as the server's readers do.
        var resp = Expect(() => onThread ? Task.Run(() => s.Kv.Range(req)).GetAwaiter().GetResult() : s.Kv.Range(req), error);
        if (resp is null) return;
        AssertRange(m, req, m.Rev, resp);
    }

    private static void AssertRange(KvModel m, RangeRequest req, long readRev, RangeResponse resp)
    {
        long at = req.Revision > 0 ? req.Revision : readRev;
        string key = req.Key.ToStringUtf8();
        string? end = req.RangeEnd.IsEmpty ? null : req.RangeEnd.ToStringUtf8();
        var all = m.RangeAt(at, key, end);
        Assert.Equal(readRev, resp.Header.Revision);
        Assert.Equal(all.Count, resp.Count);
        if (req.CountOnly) { Assert.Empty(resp.Kvs); return; }
        IEnumerable<ModelKv> q = all;
        // etcd fetches everything only for an explicit order or a filter; otherwise it fetches
        // limit+1 keys in key order and sorts just those.
        bool fetchAll = req.SortOrder != RangeRequest.Types.SortOrder.None || req.MinModRevision != 0 || req.MaxCreateRevision != 0;
        if (!fetchAll && req.Limit > 0) q = q.Take((int)req.Limit + 1);
        if (req.MinModRevision != 0) q = q.Where(kv => kv.Mod >= req.MinModRevision);
        if (req.MaxCreateRevision != 0) q = q.Where(kv => kv.Create <= req.MaxCreateRevision);
        var order = req.SortOrder;
        if (req.SortTarget != RangeRequest.Types.SortTarget.Key && order == RangeRequest.Types.SortOrder.None)
            order = RangeRequest.Types.SortOrder.Ascend;
        if (order != RangeRequest.Types.SortOrder.None)
        {
            Func<ModelKv, IComparable> by = req.SortTarget switch
            {
                RangeRequest.Types.SortTarget.Version => kv => kv.Version,
                RangeRequest.Types.SortTarget.Create => kv => kv.Create,
                RangeRequest.Types.SortTarget.Mod => kv => kv.Mod,
                RangeRequest.Types.SortTarget.Value => kv => new OrdinalString(kv.Value),
                _ => kv => new OrdinalString(kv.Key),
            };
            q = order == RangeRequest.Types.SortOrder.Descend ? q.OrderByDescending(by) : q.OrderBy(by);
        }
        var list = q.ToList();
        bool more = req.Limit > 0 && list.Count > req.Limit;
        if (more) list = list.Take((int)req.Limit).ToList();
        Assert.Equal(more, resp.More);
        if (req.KeysOnly) list = list.Select(kv => kv with { Value = "" }).ToList();
        AssertKvs(list, resp.Kvs);
    }

    private readonly record struct OrdinalString(string S) : IComparable
    {
        public int CompareTo(object? o) => string.CompareOrdinal(S, ((OrdinalString)o!).S);
    }

    private static void Compact(TempStore s, KvModel m, int[] c)
    {
        long rev = c[1] % (m.Rev + 2);
        // Revision 0 of a never-compacted store is a no-op, as in etcd (its compacted mark starts below 0).
        string? error = rev <= m.Compact && !(rev == 0 && m.Compact == 0) ? "etcdserver: mvcc: required revision has been compacted"
            : rev > m.Rev ? "etcdserver: mvcc: required revision is a future revision" : null;
        var task = Expect(() => s.Kv.Compact(rev), error);
        if (task is null) return;
        m.Compact = rev;
        if (c[2] % 3 == 0)
        {
            s.Kv.FinishCompaction();
            Assert.True(task.IsCompletedSuccessfully);
        }
        else s.Kv.CompactStep();
    }

    // One flat transaction: a compare (single key or range) and up to three operations per branch.
    private static void Txn(TempStore s, KvModel m, int[] c)
    {
        var cmp = new Compare
        {
            Key = B(K(c[1])),
            RangeEnd = c[2] % 4 == 0 ? B(K(c[3])) : ByteString.Empty,
            Target = (Compare.Types.CompareTarget)(c[4] % 5),
            Result = (Compare.Types.CompareResult)(c[5] % 4),
        };
        long num = c[6] % 6;
        switch (cmp.Target)
        {
            case Compare.Types.CompareTarget.Value: cmp.Value = B("v" + num % 5); break;
            case Compare.Types.CompareTarget.Version: cmp.Version = num; break;
            case Compare.Types.CompareTarget.Create: cmp.CreateRevision = num * m.Rev / 5; break;
            case Compare.Types.CompareTarget.Mod: cmp.ModRevision = num * m.Rev / 5; break;
            case Compare.Types.CompareTarget.Lease: cmp.Lease = num % 2 == 0 ? 0 : 100; break;
        }
        var req = new TxnRequest();
        req.Compare.Add(cmp);
        for (int i = 0; i < c[7] % 4; i++) req.Success.Add(Op(c[8 + i]));
        for (int i = 0; i < (c[7] / 4) % 4; i++) req.Failure.Add(Op(c[11 + i]));

        bool dup = Duplicate(req.Success) || Duplicate(req.Failure);
        var resp = Expect(() => s.Kv.Txn(req), dup ? "etcdserver: duplicate key given in txn request" : null);
        if (resp is null) return;

        bool ok = ModelCompare(m, cmp);
        Assert.Equal(ok, resp.Succeeded);
        var ops = ok ? req.Success : req.Failure;
        Assert.Equal(ops.Count, resp.Responses.Count);
        m.Begin();
        for (int i = 0; i < ops.Count; i++)
        {
            var op = ops[i];
            var r = resp.Responses[i];
            switch (op.RequestCase)
            {
                case RequestOp.RequestOneofCase.RequestPut:
                    m.Cur.TryGetValue(op.RequestPut.Key.ToStringUtf8(), out var prev);
                    m.Put(op.RequestPut.Key.ToStringUtf8(), op.RequestPut.Value.ToStringUtf8(), 0);
                    Assert.Equal(m.WriteRevision, r.ResponsePut.Header.Revision);
                    AssertKv(op.RequestPut.PrevKv ? prev : null, r.ResponsePut.PrevKv);
                    break;
                case RequestOp.RequestOneofCase.RequestDeleteRange:
                    var d = op.RequestDeleteRange;
                    var doomed = m.RangeAt(m.ReadRevision, d.Key.ToStringUtf8(), d.RangeEnd.IsEmpty ? null : d.RangeEnd.ToStringUtf8());
                    foreach (var kv in doomed) m.Delete(kv.Key);
                    Assert.Equal(doomed.Count, r.ResponseDeleteRange.Deleted);
                    Assert.Equal(m.ReadRevision, r.ResponseDeleteRange.Header.Revision);
                    break;
                case RequestOp.RequestOneofCase.RequestRange:
                    AssertRange(m, op.RequestRange, m.ReadRevision, r.ResponseRange);
                    break;
            }
        }
        m.End();
        Assert.Equal(m.Rev, resp.Header.Revision);
    }

    private static RequestOp Op(int x)
    {
        string key = K(x / 3), value = "v" + (x / 24) % 5;
        string? end = End(x / 120, x / 7);
        var rangeEnd = end is null ? ByteString.Empty : B(end);
        return (x % 3) switch
        {
            0 => new RequestOp { RequestPut = new PutRequest { Key = B(key), Value = B(value), PrevKv = (x / 480) % 2 == 0 } },
            1 => new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = B(key), RangeEnd = rangeEnd } },
            _ => new RequestOp { RequestRange = new RangeRequest { Key = B(key), RangeEnd = rangeEnd } },
        };
    }

    private static bool Duplicate(IEnumerable<RequestOp> ops)
    {
        var puts = ops.Where(o => o.RequestPut is not null).Select(o => o.RequestPut.Key.ToStringUtf8()).ToList();
        var dels = ops.Where(o => o.RequestDeleteRange is not null).Select(o => o.RequestDeleteRange).ToList();
        return puts.Count != puts.Distinct().Count() ||
               puts.Any(p => dels.Any(d => KvModel.InRange(p, d.Key.ToStringUtf8(), d.RangeEnd.IsEmpty ? null : d.RangeEnd.ToStringUtf8())));
    }

    private static bool ModelCompare(KvModel m, Compare c)
    {
        var kvs = m.RangeAt(m.Rev, c.Key.ToStringUtf8(), c.RangeEnd.IsEmpty ? null : c.RangeEnd.ToStringUtf8());
        if (kvs.Count == 0)
        {
            if (c.Target == Compare.Types.CompareTarget.Value) return false;
            kvs = [new ModelKv("", "", 0, 0, 0, 0)];
        }
        return kvs.All(kv =>
        {
            int r = c.Target switch
            {
                Compare.Types.CompareTarget.Value => Math.Sign(string.CompareOrdinal(kv.Value, c.Value.ToStringUtf8())),
                Compare.Types.CompareTarget.Version => kv.Version.CompareTo(c.Version),
                Compare.Types.CompareTarget.Create => kv.Create.CompareTo(c.CreateRevision),
                Compare.Types.CompareTarget.Mod => kv.Mod.CompareTo(c.ModRevision),
                _ => kv.Lease.CompareTo(c.Lease),
            };
            return c.Result switch
            {
                Compare.Types.CompareResult.Equal => r == 0,
                Compare.Types.CompareResult.NotEqual => r != 0,
                Compare.Types.CompareResult.Greater => r > 0,
                _ => r < 0,
            };
        });
    }

    private static void AssertKv(ModelKv? expected, KeyValue? actual)
    {
        if (expected is null) { Assert.Null(actual); return; }
        Assert.NotNull(actual);
        Assert.Equal(expected, new ModelKv(actual.Key.ToStringUtf8(), actual.Value.ToStringUtf8(), actual.CreateRevision, actual.ModRevision, actual.Version, actual.Lease));
    }

    private static void AssertKvs(IReadOnlyList<ModelKv> expected, IReadOnlyList<KeyValue> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++) AssertKv(expected[i], actual[i]);
    }

    private static ModelEvent ToModel(Event e) => new(e.Type == Event.Types.EventType.Put,
        new ModelKv(e.Kv.Key.ToStringUtf8(), e.Kv.Value.ToStringUtf8(), e.Kv.CreateRevision, e.Kv.ModRevision, e.Kv.Version, e.Kv.Lease));

    private static void CheckPublished(TempStore s, KvModel m)
    {
        var published = s.Sink.Published;
        Assert.Equal(m.Events.Keys.Order(), published.Select(p => p.Revision));
        foreach (var (rev, events) in published)
            Assert.Equal(m.Events[rev], events.Select(ToModel));
    }

    private static void CheckHistory(TempStore s, KvModel m)
    {
        if (m.Compact >= m.Rev) return;
        var events = new List<Event>();
        s.Kv.ReadEvents(m.Compact + 1, m.Rev, events);
        var expected = m.Events.Where(e => e.Key > m.Compact).OrderBy(e => e.Key).SelectMany(e => e.Value);
        Assert.Equal(expected, events.Select(ToModel));
    }

    private static void CheckLeases(TempStore s, KvModel m)
    {
        foreach (long lease in new long[] { 100, 200 })
        {
            var want = m.Cur.Values.Where(kv => kv.Lease == lease).Select(kv => Convert.ToHexString(Encoding.UTF8.GetBytes(kv.Key))).Order();
            var have = s.Leases.Attached.TryGetValue(lease, out var keys) ? keys.Order() : Enumerable.Empty<string>();
            Assert.Equal(want, have);
        }
    }
}

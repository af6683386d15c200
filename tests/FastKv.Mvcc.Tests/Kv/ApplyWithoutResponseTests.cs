// ApplyPut and ApplyTxn against Put and Txn: two stores fed the same random puts (with
// ignore_value, ignore_lease, prev_kv, leases), deletes and transactions (value, lease, mod and
// version compares; nested; ranges) end in the same state — same revision after every step,
// same errors, same Succeeded, same published events, same HashKV and same ranges at every
// revision — whichever path applied them, with batches committing at random points.
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;

namespace FastKv.Mvcc.Tests.Kv;

public sealed class ApplyWithoutResponseTests
{
    private static readonly string[] Keys = ["a", "b", "ba", "c", "d"];
    private static ByteString B(string s) => ByteString.CopyFromUtf8(s);

    private static readonly Gen<int[][]> Sequences =
        from n in Gen.Choose(1, 50)
        from ops in Gen.ArrayOf(Gen.ArrayOf(Gen.Choose(0, 9999), 10), n)
        select ops;

    [Fact]
    public void Applying_without_responses_changes_the_store_exactly_as_the_response_path() =>
        Prop.ForAll(Sequences.ToArbitrary(), (int[][] ops) =>
        {
            using var withResponses = new TempStore();
            using var without = new TempStore();
            foreach (var s in new[] { withResponses, without }) s.Leases.Leases.UnionWith([100, 200]);
            foreach (var c in ops)
            {
                switch (c[0] % 10)
                {
                    case < 4:
                        var put = Put(c);
                        Same(() => withResponses.Kv.Put(put).Header.Revision, () => without.Kv.ApplyPut(put));
                        break;
                    case < 8:
                        var txn = Txn(c);
                        Same(() => withResponses.Kv.Txn(txn) is var r ? (r.Succeeded, r.Header.Revision) : default,
                             () => without.Kv.ApplyTxn(txn) is var o ? (o.Succeeded, o.Revision) : default);
                        break;
                    case 8:
                        var del = new DeleteRangeRequest { Key = B(Keys[c[1] % Keys.Length]), RangeEnd = c[2] % 2 == 0 ? ByteString.Empty : B("\0") };
                        withResponses.Kv.DeleteRange(del);
                        without.Kv.DeleteRange(del);
                        break;
                    default:
                        // Commit one side only: pending and committed values must read alike.
                        (c[1] % 2 == 0 ? withResponses : without).Backend.Commit();
                        break;
                }
                Assert.Equal(withResponses.Kv.CurrentRevision, without.Kv.CurrentRevision);
            }
            Assert.Equal(withResponses.Kv.HashKV(0), without.Kv.HashKV(0));
            Assert.Equal(Published(withResponses), Published(without));
            for (long rev = 1; rev <= without.Kv.CurrentRevision; rev++)
            {
                var all = new RangeRequest { Key = B("\0"), RangeEnd = B("\0"), Revision = rev };
                Assert.Equal(withResponses.Kv.Range(all), without.Kv.Range(all));
            }
            Assert.Equal(Attached(withResponses), Attached(without));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(150));

    private static void Same<T>(Func<T> expected, Func<T> actual)
    {
        T? want = default;
        EtcdException? error = null;
        try { want = expected(); }
        catch (EtcdException e) { error = e; }
        if (error is null) Assert.Equal(want, actual());
        else Assert.Equal(error.Message, Assert.Throws<EtcdException>(() => actual()).Message);
    }

    private static List<string> Published(TempStore s) =>
        s.Sink.Published.Select(p => $"{p.Revision}:{string.Join(",", p.Events)}").ToList();

    private static List<string> Attached(TempStore s) =>
        s.Leases.Attached.OrderBy(a => a.Key).Select(a => $"{a.Key}:{string.Join(",", a.Value.Order())}").ToList();

    private static string Value(int c) => (c % 5) switch { 0 => "", 1 => new string('y', 40_000), _ => "v" + c % 13 };

    private static long Lease(int c) => (c % 5) switch { 0 => 100, 1 => 200, 2 => 999, _ => 0 };

    private static PutRequest Put(int[] c)
    {
        var p = new PutRequest { Key = B(Keys[c[1] % Keys.Length]), Value = B(Value(c[2])), Lease = Lease(c[3]), PrevKv = c[4] % 2 == 0 };
        if (c[5] % 4 == 0) { p.IgnoreValue = true; p.Value = ByteString.Empty; }
        if (c[6] % 4 == 0) { p.IgnoreLease = true; p.Lease = 0; }
        return p;
    }

    private static TxnRequest Txn(int[] c)
    {
        var t = new TxnRequest();
        var key = B(Keys[c[1] % Keys.Length]);
        var compare = new Compare { Key = key, Result = (Compare.Types.CompareResult)(c[2] % 4) };
        switch (c[3] % 4)
        {
            case 0: compare.Target = Compare.Types.CompareTarget.Value; compare.Value = B(Value(c[4])); break;
            case 1: compare.Target = Compare.Types.CompareTarget.Lease; compare.Lease = Lease(c[4]); break;
            case 2: compare.Target = Compare.Types.CompareTarget.Mod; compare.ModRevision = c[4] % 20; break;
            default: compare.Target = Compare.Types.CompareTarget.Version; compare.Version = c[4] % 4; break;
        }
        if (c[5] % 3 == 0) compare.RangeEnd = B("\0");
        t.Compare.Add(compare);
        t.Success.Add(new RequestOp { RequestPut = Put(c) });
        // A range at a random revision: future and compacted ones fail the same way on both paths.
        t.Success.Add(new RequestOp { RequestRange = new RangeRequest { Key = key, Revision = c[8] % 30 } });
        t.Failure.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = B(Keys[c[6] % Keys.Length]), PrevKv = true } });
        if (c[7] % 3 == 0)
        {
            var nested = new TxnRequest();
            nested.Compare.Add(new Compare { Key = B("e"), Target = Compare.Types.CompareTarget.Version, Result = Compare.Types.CompareResult.Equal, Version = 0 });
            nested.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = B("e" + c[8] % 3), Value = B(Value(c[9])) } });
            nested.Failure.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = B("e"), RangeEnd = B("f") } });
            t.Failure.Add(new RequestOp { RequestTxn = nested });
        }
        return t;
    }
}

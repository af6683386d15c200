// etcd's rule against ambiguous transactions: within one branch (nested transactions
// included) a key may be put at most once and may not be put inside a range the branch
// deletes. The success and failure branches of a nested transaction exclude each other, so
// they may put the same key.
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using Google.Protobuf;

namespace FastKv.Mvcc.Kv;

internal static class TxnDuplicateKeys
{
    public static void Check(IList<RequestOp> ops)
    {
        for (int i = 0; i < ops.Count; i++)
            if (ops[i].RequestCase == RequestOp.RequestOneofCase.RequestTxn)
            {
                Collect(ops, out _, out _);
                return;
            }
        CheckFlat(ops);
    }

    // The common case, a branch without nested transactions, compared pairwise without allocating.
    private static void CheckFlat(IList<RequestOp> ops)
    {
        for (int i = 0; i < ops.Count; i++)
        {
            if (ops[i].RequestCase != RequestOp.RequestOneofCase.RequestPut) continue;
            var key = ops[i].RequestPut.Key.Span;
            for (int j = 0; j < ops.Count; j++)
            {
                var other = ops[j];
                if (other.RequestCase == RequestOp.RequestOneofCase.RequestPut)
                {
                    if (j < i && other.RequestPut.Key.Span.SequenceEqual(key)) throw EtcdErrors.DuplicateKey();
                }
                else if (other.RequestCase == RequestOp.RequestOneofCase.RequestDeleteRange)
                {
                    var d = other.RequestDeleteRange;
                    if (InRange(d.Key, d.RangeEnd, key)) throw EtcdErrors.DuplicateKey();
                }
            }
        }
    }

    private static bool InRange(ByteString start, ByteString end, ReadOnlySpan<byte> key) =>
        key.SequenceCompareTo(start.Span) >= 0 && new KeyRange(start.Span, end.Span).Contains(key);

    private static void Collect(IEnumerable<RequestOp> ops, out HashSet<ByteString> puts, out List<(ByteString Key, ByteString End)> dels)
    {
        dels = [];
        foreach (var op in ops)
            if (op.RequestCase == RequestOp.RequestOneofCase.RequestDeleteRange)
                dels.Add((op.RequestDeleteRange.Key, op.RequestDeleteRange.RangeEnd));

        puts = [];
        foreach (var op in ops)
        {
            if (op.RequestCase != RequestOp.RequestOneofCase.RequestTxn) continue;
            Collect(op.RequestTxn.Success, out var putsThen, out var delsThen);
            Collect(op.RequestTxn.Failure, out var putsElse, out var delsElse);
            foreach (var k in putsThen)
            {
                if (puts.Contains(k) || Deleted(dels, k)) throw EtcdErrors.DuplicateKey();
                puts.Add(k);
            }
            foreach (var k in putsElse)
            {
                if (puts.Contains(k) && !putsThen.Contains(k)) throw EtcdErrors.DuplicateKey();
                if (Deleted(dels, k)) throw EtcdErrors.DuplicateKey();
                puts.Add(k);
            }
            dels.AddRange(delsThen);
            dels.AddRange(delsElse);
        }

        foreach (var op in ops)
        {
            if (op.RequestCase != RequestOp.RequestOneofCase.RequestPut) continue;
            var k = op.RequestPut.Key;
            if (puts.Contains(k) || Deleted(dels, k)) throw EtcdErrors.DuplicateKey();
            puts.Add(k);
        }
    }

    private static bool Deleted(List<(ByteString Key, ByteString End)> dels, ByteString key)
    {
        foreach (var (k, end) in dels)
            if (InRange(k, end, key.Span)) return true;
        return false;
    }
}

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
    public static void Check(IEnumerable<RequestOp> ops) => Collect(ops, out _, out _);

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
        {
            var range = new KeyRange(k.Span, end.Span);
            if (key.Span.SequenceCompareTo(k.Span) >= 0 && range.Contains(key.Span)) return true;
        }
        return false;
    }
}

// Sorting a range result by etcd's sort targets. Ties keep key order (the order the index
// produced), so every member answers the same request with the same order.
using FastKv.Api.Etcdserverpb;
using FastKv.Api.Mvccpb;
using Google.Protobuf.Collections;

namespace FastKv.Mvcc.Kv;

internal static class RangeSort
{
    public static void Sort(RepeatedField<KeyValue> kvs, RangeRequest.Types.SortTarget target, bool descending)
    {
        if (kvs.Count < 2) return;
        var items = kvs.ToArray();
        // Index as the tie-breaker makes the sort stable.
        var order = new int[items.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        Comparison<KeyValue> by = target switch
        {
            RangeRequest.Types.SortTarget.Version => (a, b) => a.Version.CompareTo(b.Version),
            RangeRequest.Types.SortTarget.Create => (a, b) => a.CreateRevision.CompareTo(b.CreateRevision),
            RangeRequest.Types.SortTarget.Mod => (a, b) => a.ModRevision.CompareTo(b.ModRevision),
            RangeRequest.Types.SortTarget.Value => (a, b) => a.Value.Span.SequenceCompareTo(b.Value.Span),
            _ => (a, b) => a.Key.Span.SequenceCompareTo(b.Key.Span),
        };
        Array.Sort(order, (x, y) =>
        {
            int c = by(items[x], items[y]);
            if (descending) c = -c;
            return c != 0 ? c : x.CompareTo(y);
        });
        kvs.Clear();
        foreach (int i in order) kvs.Add(items[i]);
    }
}

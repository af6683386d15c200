// Range straight to wire bytes: the `key` bucket's values are serialized KeyValue messages, so
// a range response is the header, then each visible stored value copied with its tag and length,
// then more and count. Same checks, errors, filters, limits and bytes as serializing what Range
// returns; sort orders other than by key ascending go through Range and are serialized.
using System.Buffers;
using FastKv.Api.Etcdserverpb;
using Google.Protobuf;

namespace FastKv.Mvcc.Kv;

public sealed partial class KvStore
{
    /// <summary>
    /// Serves a range request on any thread and writes the RangeResponse's protobuf encoding into
    /// <paramref name="output"/>: the header (the member's <paramref name="header"/> fields plus the
    /// revision read at) first, then the key-values, more and count. Allocates nothing for requests
    /// in key order. Throws what <see cref="Range"/> throws, before writing anything.
    /// </summary>
    public void WriteRange(RangeRequest request, in ResponseHeaderFields header, IBufferWriter<byte> output)
    {
        KvRequestChecks.CheckRange(request);
        if (!InKeyOrder(request))
        {
            var resp = Range(request);
            resp.Header.ClusterId = header.ClusterId;
            resp.Header.MemberId = header.MemberId;
            resp.Header.RaftTerm = header.RaftTerm;
            resp.WriteTo(output);
            return;
        }
        var revs = t_revs ??= [];
        var pendingValues = t_pendingValues ??= [];
        SharedReadTx? shared = null;
        PendingArena? pinned = null;
        var (readRevision, count) = CollectUnderReadLock(request, revs, pendingValues, ref shared, ref pinned);
        try
        {
            RangeResponseEncoding.WriteHeader(output, header, readRevision);
            bool more = WriteKeyValues(request, revs, pendingValues, shared, output);
            RangeResponseEncoding.WriteTail(output, more, count);
        }
        finally
        {
            ReleaseValues(revs, pendingValues, shared, pinned);
        }
    }

    // Results come in key order from the index; any other order needs the messages to sort.
    private static bool InKeyOrder(RangeRequest r) =>
        r.SortTarget == RangeRequest.Types.SortTarget.Key && r.SortOrder != RangeRequest.Types.SortOrder.Descend;

    // Writes the entries that pass the revision filters, up to the limit; returns `more`.
    private static bool WriteKeyValues(RangeRequest r, List<Revision> revs, List<ReadOnlyMemory<byte>> pendingValues, SharedReadTx? shared, IBufferWriter<byte> output)
    {
        long limit = r.Limit;
        long written = 0;
        for (int i = 0; i < revs.Count; i++)
        {
            var stored = ReadValue(revs[i], pendingValues[i], shared);
            if (StoredKeyValueLayout.TryScan(stored, out var layout))
            {
                if (!PassesFilters(r, layout.ModRevision, layout.CreateRevision)) continue;
                if (limit > 0 && written == limit) return true;
                RangeResponseEncoding.WriteStored(output, stored, layout, r.KeysOnly);
            }
            else
            {
                var kv = StoredKeyValue.Parse(stored);
                if (!PassesFilters(r, kv.ModRevision, kv.CreateRevision)) continue;
                if (limit > 0 && written == limit) return true;
                if (r.KeysOnly) kv.Value = ByteString.Empty;
                RangeResponseEncoding.WriteParsed(output, kv);
            }
            written++;
        }
        return false;
    }

    private static bool PassesFilters(RangeRequest r, long mod, long create) =>
        !(r.MaxModRevision != 0 && mod > r.MaxModRevision) &&
        !(r.MinModRevision != 0 && mod < r.MinModRevision) &&
        !(r.MaxCreateRevision != 0 && create > r.MaxCreateRevision) &&
        !(r.MinCreateRevision != 0 && create < r.MinCreateRevision);
}

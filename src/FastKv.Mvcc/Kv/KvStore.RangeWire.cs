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
        long readRevision;
        int count;
        _lock.EnterReadLock();
        try
        {
            readRevision = CurrentRevision;
            count = CollectRangeRevisions(request, readRevision, revs);
            foreach (var rev in revs)
            {
                if (_pending.TryGet(rev, out var value)) pendingValues.Add(value);
                else
                {
                    pendingValues.Add(null);
                    shared ??= AcquireSharedRead();
                }
            }
        }
        catch
        {
            revs.Clear();
            pendingValues.Clear();
            throw;
        }
        finally { _lock.ExitReadLock(); }
        try
        {
            RangeResponseEncoding.WriteHeader(output, header, readRevision);
            bool more = WriteKeyValues(request, revs, pendingValues, shared, output);
            RangeResponseEncoding.WriteTail(output, more, count);
        }
        finally
        {
            shared?.Release();
            revs.Clear();
            pendingValues.Clear();
            if (revs.Capacity > 65_536)
            {
                t_revs = null;
                t_pendingValues = null;
            }
        }
    }

    // Results come in key order from the index; any other order needs the messages to sort.
    private static bool InKeyOrder(RangeRequest r) =>
        r.SortTarget == RangeRequest.Types.SortTarget.Key && r.SortOrder != RangeRequest.Types.SortOrder.Descend;

    // Writes the entries that pass the revision filters, up to the limit; returns `more`.
    private static bool WriteKeyValues(RangeRequest r, List<Revision> revs, List<byte[]?> pendingValues, SharedReadTx? shared, IBufferWriter<byte> output)
    {
        long limit = r.Limit;
        long written = 0;
        Span<byte> revKey = stackalloc byte[Revision.KeySize];
        for (int i = 0; i < revs.Count; i++)
        {
            scoped ReadOnlySpan<byte> stored;
            if (pendingValues[i] is { } pending) stored = pending;
            else
            {
                // Revisions not pending were committed before the shared transaction was taken, so it holds them.
                revs[i].Write(revKey);
                if (!shared!.Keys.TryGet(revKey, out stored))
                    throw new InvalidOperationException($"revision {revs[i]} is in the index but not in the key bucket");
            }
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

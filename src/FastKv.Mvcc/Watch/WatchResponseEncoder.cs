// A WatchResponse's wire encoding written straight into an IBufferWriter, field by field in the
// order Google.Protobuf writes the message (header 1, watch_id 2, created 3, canceled 4,
// compact_revision 5, cancel_reason 6, fragment 7, events 11; Event: type 1, kv 2, prev_kv 3),
// so a send loop can answer 10,000 watchers without a WatchResponse, ResponseHeader, events list
// or Event per watcher. The KeyValue messages are the ones the events already hold (shared by
// every watcher), serialized through Google.Protobuf's buffer-writer path, which allocates nothing.
using System.Buffers;
using System.Text;
using FastKv.Api.Mvccpb;
using FastKv.Mvcc.Kv;
using Google.Protobuf;

namespace FastKv.Mvcc.Watch;

public static class WatchResponseEncoder
{
    private const int HeaderField = 1, WatchIdField = 2, CreatedField = 3, CanceledField = 4,
        CompactRevisionField = 5, CancelReasonField = 6, FragmentField = 7, EventsField = 11;

    private const int EventTypeField = 1, EventKvField = 2, EventPrevKvField = 3;

    /// <summary>
    /// An events response: the header (<paramref name="header"/>'s member fields plus
    /// <paramref name="revision"/>), the watch id, fragment when set, then each event. When
    /// <paramref name="previous"/> is not empty it runs parallel to <paramref name="events"/> and a
    /// non-null entry is written as that event's prev_kv (what a prev_kv watch adds to the shared events).
    /// </summary>
    public static void WriteEvents(IBufferWriter<byte> output, in ResponseHeaderFields header, long revision, long watchId,
        ReadOnlySpan<Event> events, ReadOnlySpan<KeyValue?> previous = default, bool fragment = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!previous.IsEmpty && previous.Length != events.Length)
            throw new ArgumentException("previous must be empty or as long as events", nameof(previous));
        WriteScalars(output, header, revision, watchId, created: false, canceled: false, compactRevision: 0, cancelReason: null, fragment);
        for (int i = 0; i < events.Length; i++)
        {
            var ev = events[i];
            var prev = PreviousOf(ev, previous, i);
            int kvSize = ev.Kv is null ? 0 : ev.Kv.CalculateSize();
            int prevSize = prev is null ? 0 : prev.CalculateSize();
            ProtoWire.WriteLengthPrefix(output, EventsField, EventBodySize(ev, kvSize, prev, prevSize));
            ProtoWire.WriteVarintField(output, EventTypeField, (ulong)(long)ev.Type);
            if (ev.Kv is not null)
            {
                ProtoWire.WriteLengthPrefix(output, EventKvField, kvSize);
                ev.Kv.WriteTo(output);
            }
            if (prev is not null)
            {
                ProtoWire.WriteLengthPrefix(output, EventPrevKvField, prevSize);
                prev.WriteTo(output);
            }
        }
    }

    /// <summary>The answer to a create request; with a <paramref name="cancelReason"/> it is etcd's refusal (created and canceled at once).</summary>
    public static void WriteCreated(IBufferWriter<byte> output, in ResponseHeaderFields header, long revision, long watchId, string? cancelReason = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        WriteScalars(output, header, revision, watchId, created: true, canceled: cancelReason is not null, 0, cancelReason, fragment: false);
    }

    /// <summary>A watch ended: by its client, or by compaction when <paramref name="compactRevision"/> is not zero.</summary>
    public static void WriteCanceled(IBufferWriter<byte> output, in ResponseHeaderFields header, long revision, long watchId, long compactRevision)
    {
        ArgumentNullException.ThrowIfNull(output);
        WriteScalars(output, header, revision, watchId, created: false, canceled: true, compactRevision, null, fragment: false);
    }

    /// <summary>A progress notification: no events, only the revision the watch (or, with id -1, the stream) is synced to.</summary>
    public static void WriteProgress(IBufferWriter<byte> output, in ResponseHeaderFields header, long revision, long watchId)
    {
        ArgumentNullException.ThrowIfNull(output);
        WriteScalars(output, header, revision, watchId, created: false, canceled: false, 0, null, fragment: false);
    }

    /// <summary>The bytes of an events response with no events (fragmenting decides piece sizes with it).</summary>
    internal static int BaseSize(long revision, long watchId, bool fragment) =>
        HeaderFieldSize(new ResponseHeaderFields(), revision) + VarintFieldSize(WatchIdField, (ulong)watchId) + (fragment ? 2 : 0);

    /// <summary>One event's bytes inside a response: tag, length prefix, message.</summary>
    internal static int EventFieldSize(Event ev, KeyValue? prev)
    {
        int body = EventBodySize(ev, ev.Kv is null ? 0 : ev.Kv.CalculateSize(), prev, prev is null ? 0 : prev.CalculateSize());
        return 1 + ProtoWire.VarintSize((ulong)body) + body;
    }

    // The previous version this response carries for event i: the one the caller looked up, else
    // whatever the event itself holds (events read back from history may already carry one).
    private static KeyValue? PreviousOf(Event ev, ReadOnlySpan<KeyValue?> previous, int i) =>
        (previous.IsEmpty ? null : previous[i]) ?? ev.PrevKv;

    private static int EventBodySize(Event ev, int kvSize, KeyValue? prev, int prevSize) =>
        VarintFieldSize(EventTypeField, (ulong)(long)ev.Type)
        + (ev.Kv is null ? 0 : 1 + ProtoWire.VarintSize((ulong)kvSize) + kvSize)
        + (prev is null ? 0 : 1 + ProtoWire.VarintSize((ulong)prevSize) + prevSize);

    private static void WriteScalars(IBufferWriter<byte> output, in ResponseHeaderFields header, long revision, long watchId,
        bool created, bool canceled, long compactRevision, string? cancelReason, bool fragment)
    {
        // The header is always present: the server always sets it, so Google.Protobuf always writes it.
        RangeResponseEncoding.WriteHeader(output, header, revision);
        ProtoWire.WriteVarintField(output, WatchIdField, (ulong)watchId);
        if (created) ProtoWire.WriteVarintField(output, CreatedField, 1);
        if (canceled) ProtoWire.WriteVarintField(output, CanceledField, 1);
        ProtoWire.WriteVarintField(output, CompactRevisionField, (ulong)compactRevision);
        if (!string.IsNullOrEmpty(cancelReason))
        {
            int length = Encoding.UTF8.GetByteCount(cancelReason);
            ProtoWire.WriteLengthPrefix(output, CancelReasonField, length);
            var span = output.GetSpan(length);
            Encoding.UTF8.GetBytes(cancelReason, span);
            output.Advance(length);
        }
        if (fragment) ProtoWire.WriteVarintField(output, FragmentField, 1);
    }

    private static int HeaderFieldSize(in ResponseHeaderFields header, long revision)
    {
        int body = VarintFieldSize(1, header.ClusterId) + VarintFieldSize(2, header.MemberId)
            + VarintFieldSize(3, (ulong)revision) + VarintFieldSize(4, header.RaftTerm);
        return 1 + ProtoWire.VarintSize((ulong)body) + body;
    }

    private static int VarintFieldSize(int field, ulong v) =>
        v == 0 ? 0 : ProtoWire.VarintSize((ulong)(field << 3)) + ProtoWire.VarintSize(v);
}

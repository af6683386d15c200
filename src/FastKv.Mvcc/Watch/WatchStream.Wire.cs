// The send loop's allocation-free read: the next response written as wire bytes into the
// caller's buffer instead of built as a WatchResponse. Same order, same responses, same bytes as
// TryRead followed by filling the header and serializing; only a response that must be sent in
// fragments (fragment watches over the size threshold) is still built as messages and serialized.
using System.Buffers;
using FastKv.Api.Etcdserverpb;
using FastKv.Api.Mvccpb;
using FastKv.Mvcc.Kv;
using Google.Protobuf;

namespace FastKv.Mvcc.Watch;

public sealed partial class WatchStream
{
    // prev_kv lookups of the response being written, parallel to its events; the send loop is
    // the stream's one reader, so one scratch per stream suffices.
    private KeyValue?[] _previousScratch = [];

    /// <summary>
    /// Writes the next response for the client, if one is ready, as the protobuf encoding of the
    /// WatchResponse <see cref="TryRead"/> would return with its header's cluster id, member id
    /// and raft term set from <paramref name="header"/>. Writes nothing and returns false when no
    /// response is ready. Allocates nothing except for prev_kv lookups and fragmented responses.
    /// </summary>
    public bool TryWrite(in ResponseHeaderFields header, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_fragmentEvents is not null)
        {
            WriteMessage(NextFragment(), header, output);
            return true;
        }
        if (!TryTake(out var entry)) return false;
        switch (entry.Kind)
        {
            case OutboxEntryKind.Created:
                WatchResponseEncoder.WriteCreated(output, header, entry.Revision, entry.WatchId, entry.Reason);
                break;
            case OutboxEntryKind.Canceled:
                WatchResponseEncoder.WriteCanceled(output, header, entry.Revision, entry.WatchId, entry.CompactRevision);
                break;
            case OutboxEntryKind.Progress:
                WatchResponseEncoder.WriteProgress(output, header, entry.Revision, entry.WatchId);
                break;
            default:
                WriteEventsEntry(entry, header, output);
                break;
        }
        return true;
    }

    private void WriteEventsEntry(in OutboxEntry entry, in ResponseHeaderFields header, IBufferWriter<byte> output)
    {
        var watcher = entry.Watcher!;
        var single = entry.Single;
        ReadOnlySpan<Event> events = entry.Events ?? new ReadOnlySpan<Event>(ref single!);
        Span<KeyValue?> previous = default;
        if (watcher.PrevKv)
        {
            if (_previousScratch.Length < events.Length) _previousScratch = new KeyValue?[Math.Max(events.Length, 2 * _previousScratch.Length)];
            previous = _previousScratch.AsSpan(0, events.Length);
            for (int i = 0; i < events.Length; i++) previous[i] = LookUpPrevious(events[i]);
        }
        try
        {
            if (watcher.Fragment && events.Length > 1 && NeedsFragments(entry, entry.Events!, previous))
            {
                // Rare (large batches on fragment watches): the message path owns the piece state.
                WriteMessage(EventsResponse(entry), header, output);
                return;
            }
            WatchResponseEncoder.WriteEvents(output, header, entry.Revision, watcher.Id, events, previous);
        }
        finally
        {
            // Do not keep old versions alive until the next prev_kv response.
            previous.Clear();
        }
    }

    // The same decision EventsResponse makes, from sizes computed without building messages.
    private bool NeedsFragments(in OutboxEntry entry, Event[] events, ReadOnlySpan<KeyValue?> previous)
    {
        long total = WatchResponseEncoder.BaseSize(entry.Revision, entry.WatchId, fragment: false);
        for (int i = 0; i < events.Length; i++)
            total += WatchResponseEncoder.EventFieldSize(events[i], (previous.IsEmpty ? null : previous[i]) ?? events[i].PrevKv);
        return total >= _hub.Options.FragmentThreshold;
    }

    private static void WriteMessage(WatchResponse response, in ResponseHeaderFields header, IBufferWriter<byte> output)
    {
        response.Header.ClusterId = header.ClusterId;
        response.Header.MemberId = header.MemberId;
        response.Header.RaftTerm = header.RaftTerm;
        response.WriteTo(output);
    }
}

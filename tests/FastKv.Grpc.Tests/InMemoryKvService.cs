// A dictionary-backed stand-in for etcd's KV and Watch services, only as real as the framing tests
// need: Put, Range (single key or [key, range_end)), and a Watch stream that acknowledges
// create/cancel requests and pushes Put events from other calls concurrently.
using System.Collections.Concurrent;
using FastKv.Api.Etcdserverpb;
using FastKv.Api.Mvccpb;
using FastKv.Grpc;
using FastKv.Grpc.Server;
using Google.Protobuf;

namespace FastKv.Grpc.Tests;

internal sealed class InMemoryKvService
{
    private readonly SortedDictionary<string, KeyValue> _data = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, Watcher> _watchers = new();
    private readonly object _lock = new();
    private long _revision = 1;
    private long _nextWatchId;

    private sealed record Watcher(long Id, ByteString Key, ByteString RangeEnd, MessageWriter<WatchResponse> Output);

    public void Register(MethodTable methods)
    {
        methods.AddUnary<PutRequest, PutResponse>("etcdserverpb.KV", "Put", PutRequest.Parser, PutAsync);
        methods.AddUnary<RangeRequest, RangeResponse>("etcdserverpb.KV", "Range", RangeRequest.Parser, RangeAsync);
        methods.AddDuplexStreaming<WatchRequest, WatchResponse>("etcdserverpb.Watch", "Watch", WatchRequest.Parser, WatchAsync);
    }

    private ResponseHeader Header() => new() { ClusterId = 1, MemberId = 1, Revision = _revision, RaftTerm = 1 };

    private async ValueTask<PutResponse> PutAsync(PutRequest request, CallContext context)
    {
        KeyValue kv;
        ResponseHeader header;
        lock (_lock)
        {
            _revision++;
            var key = request.Key.ToStringUtf8();
            _data.TryGetValue(key, out var previous);
            kv = new KeyValue
            {
                Key = request.Key,
                Value = request.Value,
                CreateRevision = previous?.CreateRevision ?? _revision,
                ModRevision = _revision,
                Version = (previous?.Version ?? 0) + 1,
            };
            _data[key] = kv;
            header = Header();
        }
        foreach (var watcher in _watchers.Values)
        {
            if (!Matches(watcher, kv.Key)) continue;
            var response = new WatchResponse { Header = header, WatchId = watcher.Id };
            response.Events.Add(new Event { Type = Event.Types.EventType.Put, Kv = kv });
            try { await watcher.Output.WriteAsync(response).ConfigureAwait(false); }
            catch (Exception) { _watchers.TryRemove(watcher.Id, out _); }
        }
        return new PutResponse { Header = header };
    }

    private ValueTask<RangeResponse> RangeAsync(RangeRequest request, CallContext context)
    {
        var response = new RangeResponse();
        lock (_lock)
        {
            response.Header = Header();
            foreach (var (key, kv) in _data)
            {
                var bytes = kv.Key.Span;
                var inRange = request.RangeEnd.IsEmpty
                    ? bytes.SequenceEqual(request.Key.Span)
                    : bytes.SequenceCompareTo(request.Key.Span) >= 0 && bytes.SequenceCompareTo(request.RangeEnd.Span) < 0;
                if (inRange) response.Kvs.Add(kv);
            }
            response.Count = response.Kvs.Count;
        }
        return ValueTask.FromResult(response);
    }

    private async Task WatchAsync(MessageReader<WatchRequest> requests, MessageWriter<WatchResponse> responses, CallContext context)
    {
        var mine = new List<long>();
        try
        {
            while (await requests.MoveNextAsync().ConfigureAwait(false))
            {
                var request = requests.Current;
                switch (request.RequestUnionCase)
                {
                    case WatchRequest.RequestUnionOneofCase.CreateRequest:
                        var id = Interlocked.Increment(ref _nextWatchId);
                        var create = request.CreateRequest;
                        // Acknowledge before events can flow, as etcd does.
                        await responses.WriteAsync(new WatchResponse { Header = Header(), WatchId = id, Created = true }).ConfigureAwait(false);
                        _watchers[id] = new Watcher(id, create.Key, create.RangeEnd, responses);
                        mine.Add(id);
                        break;
                    case WatchRequest.RequestUnionOneofCase.CancelRequest:
                        var cancelId = request.CancelRequest.WatchId;
                        if (mine.Remove(cancelId)) _watchers.TryRemove(cancelId, out _);
                        await responses.WriteAsync(new WatchResponse { Header = Header(), WatchId = cancelId, Canceled = true }).ConfigureAwait(false);
                        break;
                    case WatchRequest.RequestUnionOneofCase.ProgressRequest:
                        await responses.WriteAsync(new WatchResponse { Header = Header(), WatchId = -1 }).ConfigureAwait(false);
                        break;
                }
            }
        }
        finally
        {
            foreach (var id in mine) _watchers.TryRemove(id, out _);
        }
    }

    private static bool Matches(Watcher watcher, ByteString key)
    {
        if (watcher.RangeEnd.IsEmpty) return key.Span.SequenceEqual(watcher.Key.Span);
        // "\0" as range_end means every key >= key.
        if (watcher.RangeEnd.Length == 1 && watcher.RangeEnd[0] == 0) return key.Span.SequenceCompareTo(watcher.Key.Span) >= 0;
        return key.Span.SequenceCompareTo(watcher.Key.Span) >= 0 && key.Span.SequenceCompareTo(watcher.RangeEnd.Span) < 0;
    }
}

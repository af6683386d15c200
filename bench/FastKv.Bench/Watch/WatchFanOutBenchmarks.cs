// Publish of one event to 10,000 watchers, each on its own stream, as the apply thread sees it:
// matching (one exact key, one shared prefix, or 10,000 distinct ranges in the interval index)
// and queueing. PublishAndDrop isolates the hub (queued entries are discarded); PublishAndRead
// adds what the server's send loops do, building each WatchResponse; PublishAndWrite does the
// same reading with WatchStream.TryWrite, each response's wire bytes written into one reused buffer.
// Run: dotnet run -c Release --project bench/FastKv.Bench -- --filter '*WatchFanOut*' --job short
using System.Buffers;
using BenchmarkDotNet.Attributes;
using FastKv.Api.Etcdserverpb;
using FastKv.Api.Mvccpb;
using FastKv.Mvcc;
using FastKv.Mvcc.Kv;
using FastKv.Mvcc.Watch;
using Google.Protobuf;

namespace FastKv.Bench.Watch;

[MemoryDiagnoser]
public class WatchFanOutBenchmarks
{
    public enum Shape
    {
        SameKey,
        SamePrefix,
        DistinctRanges,
    }

    private const int Watchers = 10_000;

    private sealed class EmptyHistory : IWatchHistory
    {
        public long CurrentRevision => 0;
        public long CompactRevision => 0;
        public void ReadEvents(long fromRevision, long toRevision, List<Event> into) =>
            throw new InvalidOperationException("the benchmark's watchers never fall behind");
        public KeyValue? GetPrevious(ReadOnlySpan<byte> key, long revision) => null;
    }

    [Params(Shape.SameKey, Shape.SamePrefix, Shape.DistinctRanges)]
    public Shape Watch { get; set; }

    private WatchHub _hub = null!;
    private WatchStream[] _streams = null!;
    private Event[] _events = null!;
    private long _revision;
    private readonly ArrayBufferWriter<byte> _wire = new(4096);
    private static readonly ResponseHeaderFields Member = new(0xC1A5_7E12_0000_0001, 0x8E3B_E2A1_0000_0002, 7);

    [GlobalSetup]
    public void Setup()
    {
        _hub = new WatchHub(new EmptyHistory(), new WatchHubOptions { StreamBufferLimit = 1024 });
        _streams = new WatchStream[Watchers];
        for (int i = 0; i < Watchers; i++)
        {
            _streams[i] = _hub.OpenStream();
            var request = Watch switch
            {
                Shape.SameKey => new WatchCreateRequest { Key = ByteString.CopyFromUtf8("/registry/pods/default/web-0") },
                Shape.SamePrefix => new WatchCreateRequest
                {
                    Key = ByteString.CopyFromUtf8("/registry/pods/"),
                    RangeEnd = ByteString.CopyFromUtf8("/registry/pods0"),
                },
                // Distinct ranges [key, key/<i>): every one covers the key, none is shared.
                _ => new WatchCreateRequest
                {
                    Key = ByteString.CopyFromUtf8("/registry/pods/default/web-0"),
                    RangeEnd = ByteString.CopyFromUtf8($"/registry/pods/default/web-0/{i:D5}"),
                },
            };
            _streams[i].Create(request);
            _streams[i].DropQueued();
        }
        _events =
        [
            new Event
            {
                Type = Event.Types.EventType.Put,
                Kv = new KeyValue
                {
                    Key = ByteString.CopyFromUtf8("/registry/pods/default/web-0"),
                    Value = ByteString.CopyFrom(new byte[100]),
                    CreateRevision = 1,
                    ModRevision = 1,
                    Version = 1,
                },
            },
        ];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var stream in _streams) stream.Dispose();
        _hub.Dispose();
    }

    [Benchmark]
    public int PublishAndDrop()
    {
        _hub.Publish(++_revision, _events);
        int delivered = 0;
        foreach (var stream in _streams) delivered += stream.DropQueued();
        return delivered;
    }

    [Benchmark]
    public int PublishAndRead()
    {
        _hub.Publish(++_revision, _events);
        int delivered = 0;
        foreach (var stream in _streams)
            while (stream.TryRead(out var response)) delivered += response.Events.Count;
        return delivered;
    }

    [Benchmark]
    public int PublishAndWrite()
    {
        _hub.Publish(++_revision, _events);
        int written = 0;
        foreach (var stream in _streams)
        {
            while (true)
            {
                _wire.ResetWrittenCount();
                if (!stream.TryWrite(Member, _wire)) break;
                written += _wire.WrittenCount;
            }
        }
        return written;
    }
}

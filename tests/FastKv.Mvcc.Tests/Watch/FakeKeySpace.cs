// A small multi-version key space for the watch tests: every revision's events kept in memory,
// compaction as a watermark, and the hub's Publish called after each revision becomes readable,
// serialized like the real apply thread.
using FastKv.Api;
using FastKv.Api.Mvccpb;
using FastKv.Mvcc;
using Google.Protobuf;

namespace FastKv.Mvcc.Tests.Watch;

internal sealed class FakeKeySpace : IWatchHistory
{
    private readonly Lock _state = new();
    private readonly Lock _apply = new();
    private readonly List<Event[]> _revisions = [];
    private readonly Dictionary<string, KeyValue> _live = [];
    private long _compacted;

    public IWatchEventSink? Sink { get; set; }

    /// <summary>Publish while holding the lock every history read takes, as a key space might.</summary>
    public bool PublishUnderLock { get; set; }

    public long CurrentRevision
    {
        get { lock (_state) return _revisions.Count; }
    }

    public long CompactRevision
    {
        get { lock (_state) return _compacted; }
    }

    public int ReadCalls;

    /// <summary>A pause before each history read, so Publish runs while a catch-up reads (race tests).</summary>
    public TimeSpan ReadDelay { get; set; }

    public void ReadEvents(long fromRevision, long toRevision, List<Event> into)
    {
        Interlocked.Increment(ref ReadCalls);
        if (ReadDelay > TimeSpan.Zero) Thread.Sleep(ReadDelay);
        lock (_state)
        {
            if (fromRevision <= _compacted || fromRevision < 1 || toRevision > _revisions.Count || fromRevision > toRevision)
                throw new InvalidOperationException($"read [{fromRevision}, {toRevision}] outside ({_compacted}, {_revisions.Count}]");
            for (long r = fromRevision; r <= toRevision; r++) into.AddRange(_revisions[(int)r - 1]);
        }
    }

    public KeyValue? GetPrevious(ReadOnlySpan<byte> key, long revision)
    {
        lock (_state)
        {
            if (revision - 1 < _compacted)
                throw new EtcdException(StatusCode.OutOfRange, "etcdserver: mvcc: required revision has been compacted");
            for (long r = Math.Min(revision - 1, _revisions.Count); r >= 1; r--)
            {
                var events = _revisions[(int)r - 1];
                for (int i = events.Length - 1; i >= 0; i--)
                {
                    if (!events[i].Kv.Key.Span.SequenceEqual(key)) continue;
                    return events[i].Type == Event.Types.EventType.Put ? events[i].Kv : null;
                }
            }
            return null;
        }
    }

    public long Put(string key, string value) => Apply([(key, value)], []);

    public long Delete(string key) => Apply([], [key]);

    /// <summary>One revision of puts and deletes on distinct keys; deletes of absent keys are dropped. Returns the revision, or 0 when nothing changed.</summary>
    public long Apply(IReadOnlyList<(string Key, string Value)> puts, IReadOnlyList<string> deletes)
    {
        lock (_apply)
        {
            Event[] events;
            long revision;
            lock (_state)
            {
                revision = _revisions.Count + 1;
                var list = new List<Event>();
                foreach (var (key, value) in puts)
                {
                    _live.TryGetValue(key, out var existing);
                    var kv = new KeyValue
                    {
                        Key = ByteString.CopyFromUtf8(key),
                        Value = ByteString.CopyFromUtf8(value),
                        CreateRevision = existing?.CreateRevision ?? revision,
                        ModRevision = revision,
                        Version = (existing?.Version ?? 0) + 1,
                    };
                    _live[key] = kv;
                    list.Add(new Event { Type = Event.Types.EventType.Put, Kv = kv });
                }
                foreach (var key in deletes)
                {
                    if (!_live.Remove(key)) continue;
                    list.Add(new Event
                    {
                        Type = Event.Types.EventType.Delete,
                        Kv = new KeyValue { Key = ByteString.CopyFromUtf8(key), ModRevision = revision },
                    });
                }
                if (list.Count == 0) return 0;
                events = [.. list];
                _revisions.Add(events);
                if (PublishUnderLock) Sink?.Publish(revision, events);
            }
            if (!PublishUnderLock) Sink?.Publish(revision, events);
            return revision;
        }
    }

    public void Compact(long revision)
    {
        lock (_state)
        {
            if (revision > _revisions.Count) throw new ArgumentOutOfRangeException(nameof(revision));
            _compacted = Math.Max(_compacted, revision);
        }
    }

    /// <summary>The model answer: every event a watch should see, in order.</summary>
    public List<Event> Expected(Func<Event, bool> wanted, long fromRevision, long toRevision)
    {
        lock (_state)
        {
            var result = new List<Event>();
            for (long r = Math.Max(1, fromRevision); r <= Math.Min(toRevision, _revisions.Count); r++)
                foreach (var ev in _revisions[(int)r - 1])
                    if (wanted(ev)) result.Add(ev);
            return result;
        }
    }
}

// The event side of the watch benchmarks: the puts carry their own number in the value, the send
// time of each number is kept, and every event a watcher receives is timed against it. The run is
// over when the expected number of events has arrived (or the wait times out, counted as errors).
using System.Buffers.Binary;
using System.Diagnostics;
using FastKv.Api.Etcdserverpb;

namespace FastKv.LoadGen;

public sealed class WatchEvents
{
    private readonly long[] _sentAt;
    private readonly LatencyReport _report;
    private readonly long _expected;
    private long _received;
    private readonly TaskCompletionSource _allReceived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public WatchEvents(int puts, long expectedEvents)
    {
        _sentAt = new long[puts];
        _expected = expectedEvents;
        _report = new LatencyReport((int)Math.Min(expectedEvents, int.MaxValue));
        if (expectedEvents == 0) _allReceived.TrySetResult();
    }

    public LatencyReport Report => _report;

    public long Received => Volatile.Read(ref _received);

    public static void EncodeNumber(Span<byte> value, long number) => BinaryPrimitives.WriteInt64LittleEndian(value, number);

    public void MarkSent(long number) => Volatile.Write(ref _sentAt[number], Stopwatch.GetTimestamp());

    public void Observe(WatchResponse response)
    {
        var now = Stopwatch.GetTimestamp();
        foreach (var e in response.Events)
        {
            ReadOnlySpan<byte> value = e.Kv is { } kv ? kv.Value.Span : default;
            if (value.Length < sizeof(long)) continue;
            var number = BinaryPrimitives.ReadInt64LittleEndian(value);
            if ((ulong)number >= (ulong)_sentAt.Length) continue;
            _report.Record(now - Volatile.Read(ref _sentAt[number]));
            if (Interlocked.Increment(ref _received) == _expected) _allReceived.TrySetResult();
        }
    }

    public async Task WaitAsync(TimeSpan timeout)
    {
        try
        {
            await _allReceived.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _report.RecordError($"{_expected - Received} of {_expected} events not received within {timeout.TotalSeconds:0}s after the last put");
        }
    }
}

// Reads a watch stream in the background and keeps every response, so tests can wait (with a
// deadline) for what they expect and then check the whole sequence.
using FastKv.Api.Etcdserverpb;
using FastKv.Mvcc.Watch;

namespace FastKv.Mvcc.Tests.Watch;

internal sealed class ResponseLog : IAsyncDisposable
{
    private readonly List<WatchResponse> _responses = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;

    public ResponseLog(WatchStream stream)
    {
        Stream = stream;
        _reader = Task.Run(async () =>
        {
            try
            {
                await foreach (var response in stream.ReadAllAsync(_stop.Token))
                    lock (_responses) _responses.Add(response);
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    public WatchStream Stream { get; }

    public List<WatchResponse> Snapshot()
    {
        lock (_responses) return [.. _responses];
    }

    public async Task<List<WatchResponse>> WaitForAsync(Func<List<WatchResponse>, bool> done, string what, int timeoutMs = 10_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (true)
        {
            var snapshot = Snapshot();
            if (done(snapshot)) return snapshot;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"timed out waiting for {what}; got {snapshot.Count} responses:\n" +
                    string.Join("\n", snapshot.Take(50)));
            await Task.Delay(5);
        }
    }

    public Task<List<WatchResponse>> WaitForEventsAsync(long watchId, int count, int timeoutMs = 10_000) =>
        WaitForAsync(r => WatchChecks.EventsOf(r, watchId).Count >= count, $"{count} events on watch {watchId}", timeoutMs);

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _reader;
        _stop.Dispose();
    }
}

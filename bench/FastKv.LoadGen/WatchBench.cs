// `watch` and `watch-latency`: --streams watch streams spread over the connections, each creating
// --watch-per-stream watches (creation latency: request sent to `created` received, in order per
// stream); then --put-total puts, paced to --put-rate per second when set, by --clients workers,
// and every event each watcher receives is timed from its put's send (event latency).
using System.Collections.Concurrent;
using System.Diagnostics;
using FastKv.Api.Etcdserverpb;
using FastKv.Grpc;
using Google.Protobuf;

namespace FastKv.LoadGen;

public sealed record WatchSettings(int Streams, int WatchPerStream, int PutTotal, int PutRate, int KeySize, int ValueSize,
    long KeySpaceSize, bool SequentialKeys);

public sealed record WatchResult(LatencyReport Creation, LatencyReport Events);

public static class WatchBench
{
    private static readonly TimeSpan CreationTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(30);

    public static async Task<WatchResult> RunAsync(RunSettings run, WatchSettings watch, Connections connections)
    {
        var watchers = watch.Streams * watch.WatchPerStream;
        var watchKeys = new KeyChooser(watch.KeySpaceSize, watch.SequentialKeys, seed: 3);
        var watcherKey = new long[watchers];
        var watchersPerKey = new Dictionary<long, int>();
        for (var w = 0; w < watchers; w++)
        {
            watcherKey[w] = watchKeys.Next(w);
            watchersPerKey[watcherKey[w]] = watchersPerKey.GetValueOrDefault(watcherKey[w]) + 1;
        }
        var putKeys = new KeyChooser(watch.KeySpaceSize, watch.SequentialKeys, seed: 4);
        long expected = 0;
        var puts = new PutRequest[watch.PutTotal];
        for (var n = 0; n < puts.Length; n++)
        {
            var key = putKeys.Next(n);
            expected += watchersPerKey.GetValueOrDefault(key);
            var value = new byte[Math.Max(watch.ValueSize, sizeof(long))];
            WatchEvents.EncodeNumber(value, n);
            puts[n] = new PutRequest { Key = KeyMaker.KeyString(key, watch.KeySize), Value = UnsafeByteOperations.UnsafeWrap(value) };
        }

        var events = new WatchEvents(watch.PutTotal, expected);
        var creation = new LatencyReport(watchers);
        var created = 0;
        var allCreated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (watchers == 0) allCreated.TrySetResult();
        var calls = new IDuplexCall<WatchRequest, WatchResponse>[watch.Streams];
        var readers = new Task[watch.Streams];
        creation.Start();
        for (var s = 0; s < watch.Streams; s++)
        {
            var call = calls[s] = connections.ForWorker(s).OpenDuplex<WatchRequest, WatchResponse>(Methods.Watch, WatchResponse.Parser);
            var pending = new ConcurrentQueue<long>();
            readers[s] = Task.Run(async () =>
            {
                try
                {
                    while (await call.MoveNextAsync().ConfigureAwait(false))
                    {
                        var response = call.Current;
                        if (response.Created)
                        {
                            if (pending.TryDequeue(out var sentAt)) creation.Record(Stopwatch.GetTimestamp() - sentAt);
                            if (Interlocked.Increment(ref created) == watchers) allCreated.TrySetResult();
                        }
                        if (response.Canceled) creation.RecordError($"watch canceled: {response.CancelReason}");
                        if (response.Events.Count > 0) events.Observe(response);
                    }
                }
                catch (RpcException e) when (e.Code != FastKv.Api.StatusCode.Cancelled)
                {
                    creation.RecordError(e.ToString());
                    allCreated.TrySetResult();
                }
                catch (RpcException)
                {
                }
            });
            var first = s * watch.WatchPerStream;
            _ = Task.Run(async () =>
            {
                try
                {
                    for (var w = first; w < first + watch.WatchPerStream; w++)
                    {
                        var request = new WatchRequest { CreateRequest = new WatchCreateRequest { Key = KeyMaker.KeyString(watcherKey[w], watch.KeySize) } };
                        pending.Enqueue(Stopwatch.GetTimestamp());
                        await call.WriteAsync(request).ConfigureAwait(false);
                    }
                }
                catch (RpcException e)
                {
                    creation.RecordError(e.ToString());
                    allCreated.TrySetResult();
                }
            });
        }
        try
        {
            await allCreated.Task.WaitAsync(CreationTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            creation.RecordError($"{watchers - Volatile.Read(ref created)} of {watchers} watches not created within {CreationTimeout.TotalSeconds:0}s");
        }
        creation.Stop();

        var started = Stopwatch.GetTimestamp();
        var ticksPerPut = watch.PutRate > 0 ? Stopwatch.Frequency / (double)watch.PutRate : 0;
        events.Report.Start();
        var putReport = await RequestRun.RunAsync(connections, run.Clients, watch.PutTotal, async (n, channel) =>
        {
            if (ticksPerPut > 0)
            {
                var due = started + (long)(n * ticksPerPut);
                var wait = due - Stopwatch.GetTimestamp();
                if (wait > 0) await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency)).ConfigureAwait(false);
            }
            events.MarkSent(n);
            await channel.CallAsync(Methods.Put, puts[n]).ConfigureAwait(false);
        }, run.Progress).ConfigureAwait(false);
        foreach (var (message, count) in putReport.Errors) events.Report.RecordError($"put: {message}", count);
        await events.WaitAsync(DeliveryTimeout).ConfigureAwait(false);
        events.Report.Stop();

        foreach (var call in calls) call.Dispose();
        try
        {
            await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Console.Error.WriteLine("warning: some watch streams did not close within 5s");
        }
        return new WatchResult(creation, events.Report);
    }
}

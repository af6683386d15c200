// Drives --total requests through --clients concurrent workers: each worker takes the next request
// number from a shared counter, sends it on its pinned connection and records the latency or the
// error. The request itself is the caller's delegate, given the number and the worker's channel.
using System.Diagnostics;
using FastKv.Grpc;

namespace FastKv.LoadGen;

public static class RequestRun
{
    public delegate ValueTask Request(long number, IGrpcChannel channel);

    public static async Task<LatencyReport> RunAsync(Connections connections, int clients, int total, Request request, TextWriter progress)
    {
        var report = new LatencyReport(total);
        long next = -1;
        long done = 0;
        using var progressStop = new CancellationTokenSource();
        var progressTask = ReportProgressAsync(() => Volatile.Read(ref done), total, progress, progressStop.Token);
        report.Start();
        var workers = new Task[clients];
        for (var w = 0; w < clients; w++)
        {
            var channel = connections.ForWorker(w);
            workers[w] = Task.Run(async () =>
            {
                long number;
                while ((number = Interlocked.Increment(ref next)) < total)
                {
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        await request(number, channel).ConfigureAwait(false);
                        report.Record(Stopwatch.GetTimestamp() - started);
                    }
                    catch (RpcException e)
                    {
                        report.RecordError(e.ToString());
                    }
                    Interlocked.Increment(ref done);
                }
            });
        }
        await Task.WhenAll(workers).ConfigureAwait(false);
        report.Stop();
        await progressStop.CancelAsync().ConfigureAwait(false);
        await progressTask.ConfigureAwait(false);
        return report;
    }

    /// <summary>A one-line progress counter on stderr, once a second, so a long run shows life.</summary>
    public static async Task ReportProgressAsync(Func<long> done, long total, TextWriter progress, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(1000, stop).ConfigureAwait(false);
                progress.Write($"\r{done()} / {total}");
            }
        }
        catch (OperationCanceledException)
        {
        }
        progress.WriteLine($"\r{done()} / {total}");
    }
}

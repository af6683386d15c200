// `put`: --total Put requests of --key-size/--val-size over a key space of --key-space-size keys,
// optionally compacting every --compact-interval to (last revision - --compact-index-delta).
using System.Runtime.CompilerServices;
using FastKv.Api.Etcdserverpb;
using FastKv.Grpc;

namespace FastKv.LoadGen;

public sealed record PutSettings(int KeySize, int ValueSize, long KeySpaceSize, bool SequentialKeys,
    TimeSpan CompactInterval, long CompactIndexDelta);

public static class PutBench
{
    public static async Task<LatencyReport> RunAsync(RunSettings run, PutSettings put, Connections connections)
    {
        var value = KeyMaker.RandomValue(put.ValueSize);
        var keys = new KeyChooser(put.KeySpaceSize, put.SequentialKeys, seed: 1);
        var requests = new RequestTable<PutRequest>(run.Total,
            n => new PutRequest { Key = KeyMaker.KeyString(keys.Next(n), put.KeySize), Value = value });
        long lastRevision = 0;
        using var stopCompaction = new CancellationTokenSource();
        var compaction = put.CompactInterval > TimeSpan.Zero
            ? CompactPeriodicallyAsync(connections.ForWorker(0), put, () => Volatile.Read(ref lastRevision), stopCompaction.Token)
            : Task.CompletedTask;
        var report = await RequestRun.RunAsync(connections, run.Clients, run.Total, [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))] async ValueTask (long n, IGrpcChannel channel) =>
        {
            var response = await channel.UnaryAsync(Methods.Put, requests[n], PutResponse.Parser).ConfigureAwait(false);
            var revision = response.Header?.Revision ?? 0;
            if (revision > Volatile.Read(ref lastRevision)) Volatile.Write(ref lastRevision, revision);
        }, run.Progress).ConfigureAwait(false);
        await stopCompaction.CancelAsync().ConfigureAwait(false);
        await compaction.ConfigureAwait(false);
        return report;
    }

    private static async Task CompactPeriodicallyAsync(IGrpcChannel channel, PutSettings put, Func<long> lastRevision, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await Task.Delay(put.CompactInterval, stop).ConfigureAwait(false);
                var target = lastRevision() - put.CompactIndexDelta;
                if (target <= 0) continue;
                try
                {
                    await channel.CallAsync(Methods.Compact, new CompactionRequest { Revision = target }, stop).ConfigureAwait(false);
                }
                catch (RpcException e) when (!stop.IsCancellationRequested)
                {
                    Console.Error.WriteLine($"compact to {target}: {e}");
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException || (e is RpcException && stop.IsCancellationRequested))
        {
        }
    }
}

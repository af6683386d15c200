// `range <key> [end]`: --total Range requests of one key or interval, linearizable (--consistency l,
// through ReadIndex) or serializable (s, local). Every request is the same message.
using FastKv.Api.Etcdserverpb;
using Google.Protobuf;

namespace FastKv.LoadGen;

public static class RangeBench
{
    public static Task<LatencyReport> RunAsync(RunSettings run, string key, string? end, bool serializable, Connections connections)
    {
        var request = new RangeRequest { Key = ByteString.CopyFromUtf8(key), Serializable = serializable };
        if (end is not null) request.RangeEnd = ByteString.CopyFromUtf8(end);
        return RequestRun.RunAsync(connections, run.Clients, run.Total,
            (_, channel) => channel.CallAsync(Methods.Range, request), run.Progress);
    }
}

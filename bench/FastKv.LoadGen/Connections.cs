// The --conns HTTP/2 connections of a run: one GrpcClient (with its own handler, hence its own
// socket) per connection, endpoints taken in turn, and each of the --clients workers pinned to
// connection (worker % conns) as etcd's benchmark does.
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using FastKv.Grpc;
using FastKv.Grpc.Client;

namespace FastKv.LoadGen;

public sealed class Connections : IDisposable
{
    private readonly GrpcClient[] _clients;

    public Connections(IReadOnlyList<Uri> endpoints, int count)
    {
        _clients = new GrpcClient[count];
        // One connection per client: a worker beyond the server's stream limit waits for a stream,
        // as grpc-go does, instead of silently opening more sockets than --conns.
        var options = new GrpcClientOptions { EnableMultipleHttp2Connections = false };
        for (var i = 0; i < count; i++) _clients[i] = new GrpcClient(endpoints[i % endpoints.Count], options);
    }

    public int Count => _clients.Length;

    public GrpcClient ForWorker(int worker) => _clients[worker % _clients.Length];

    /// <summary>
    /// Opens every connection before the clock starts (a serializable count of one key). A probe
    /// that fails is retried a few times: a refused connection fails every attempt, while a call
    /// lost to a server's stream reset should not abort the whole run.
    /// </summary>
    public async Task ConnectAsync(TimeSpan timeout)
    {
        var probe = new RangeRequest { Key = Google.Protobuf.ByteString.CopyFromUtf8("\0"), Serializable = true, CountOnly = true };
        await Task.WhenAll(_clients.Select(async c =>
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await c.UnaryAsync(Methods.Range, probe, RangeResponse.Parser, new CallOptions { Timeout = timeout }).ConfigureAwait(false);
                    return;
                }
                catch (RpcException e) when (attempt < ProbeAttempts && e.Code != StatusCode.Unavailable && e.Code != StatusCode.DeadlineExceeded)
                {
                }
            }
        })).ConfigureAwait(false);
    }

    private const int ProbeAttempts = 3;

    public void Dispose()
    {
        foreach (var client in _clients) client.Dispose();
    }
}

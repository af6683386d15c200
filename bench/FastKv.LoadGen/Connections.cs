// The --conns connections of a run: one channel (hence one socket) per connection, endpoints
// taken in turn, each of the --clients workers pinned to connection (worker % conns) as etcd's
// benchmark does. The channel is the lean h2 client or the HttpClient one (--transport).
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using FastKv.Grpc;
using FastKv.LoadGen.Http2;

namespace FastKv.LoadGen;

public sealed class Connections : IDisposable
{
    private readonly IReadOnlyList<Uri> _endpoints;
    private readonly TransportKind[] _transports;
    private readonly IGrpcChannel?[] _channels;

    public Connections(IReadOnlyList<Uri> endpoints, int count, TransportKind transport = TransportKind.Auto)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _endpoints = endpoints;
        _transports = new TransportKind[count];
        for (var i = 0; i < count; i++) _transports[i] = TransportKinds.For(transport, endpoints[i % endpoints.Count]);
        _channels = new IGrpcChannel?[count];
    }

    public int Count => _channels.Length;

    public TransportKind TransportOf(int connection) => _transports[connection];

    public IGrpcChannel ForWorker(int worker) =>
        _channels[worker % _channels.Length] ?? throw new InvalidOperationException("ConnectAsync has not opened the connections");

    /// <summary>
    /// Opens every connection before the clock starts and proves it with a serializable count of
    /// one key. A probe that fails is retried a few times: a refused connection fails every
    /// attempt, while a call lost to a server's stream reset should not abort the whole run. An h2
    /// connection the server turned away (GOAWAY before any call, a dropped socket) is dialled anew.
    /// </summary>
    public async Task ConnectAsync(TimeSpan timeout)
    {
        var probe = new RangeRequest { Key = Google.Protobuf.ByteString.CopyFromUtf8("\0"), Serializable = true, CountOnly = true };
        await Task.WhenAll(Enumerable.Range(0, _channels.Length).Select(async i =>
        {
            var endpoint = _endpoints[i % _endpoints.Count];
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    _channels[i] ??= _transports[i] == TransportKind.H2
                        ? await H2Connection.ConnectAsync(endpoint, new H2ConnectionOptions { ConnectTimeout = timeout }).ConfigureAwait(false)
                        : new HttpClientChannel(endpoint);
                    using var deadline = new CancellationTokenSource(timeout);
                    await _channels[i]!.CallAsync(Methods.Range, probe, deadline.Token).ConfigureAwait(false);
                    return;
                }
                catch (RpcException e) when (attempt < ProbeAttempts && e.Code != StatusCode.DeadlineExceeded && e.Code != StatusCode.Cancelled)
                {
                    if (e.Code == StatusCode.Unavailable)
                    {
                        Console.Error.WriteLine($"warning: connection {i} to {endpoint.Authority}: {e.Message}; dialling again");
                        _channels[i]?.Dispose();
                        _channels[i] = null;
                        await Task.Delay(RedialDelay).ConfigureAwait(false);
                    }
                }
            }
        })).ConfigureAwait(false);
    }

    private static readonly TimeSpan RedialDelay = TimeSpan.FromMilliseconds(200);
    private const int ProbeAttempts = 3;

    public void Dispose()
    {
        foreach (var channel in _channels) channel?.Dispose();
    }
}

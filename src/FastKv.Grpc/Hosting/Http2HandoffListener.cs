// Accepts the connections the preface sniffer hands over. Each is wrapped so the sniffer learns
// when Kestrel's HTTP/2 pipeline is done with it (the socket still belongs to the outer pipeline).
using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;

namespace FastKv.Grpc.Hosting;

internal sealed class Http2HandoffListener : IConnectionListener
{
    private readonly Channel<HandedOffConnection> _pending = Channel.CreateUnbounded<HandedOffConnection>(
        new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    private EndPoint? _endPoint;

    public EndPoint EndPoint => _endPoint ?? throw new InvalidOperationException("not bound");

    internal void Bind(EndPoint endPoint) => _endPoint = endPoint;

    /// <summary>Runs the connection through the HTTP/2 pipeline; completes when that pipeline has finished with it.</summary>
    public Task HandOffAsync(ConnectionContext connection)
    {
        var handedOff = new HandedOffConnection(connection);
        return _pending.Writer.TryWrite(handedOff) ? handedOff.Finished : Task.CompletedTask;
    }

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _pending.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        _pending.Writer.TryComplete();
        // Connections handed over but never accepted go back to their outer pipeline, which closes them.
        while (_pending.Reader.TryRead(out var orphan)) orphan.ReleaseUnaccepted();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => UnbindAsync();
}

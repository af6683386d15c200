// A socket connection lent to the HTTP/2 pipeline. Kestrel disposes what it accepted when it is
// done; here that only signals the lender, which owns (and later disposes) the real connection.
using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace FastKv.Grpc.Hosting;

internal sealed class HandedOffConnection(ConnectionContext inner) : ConnectionContext
{
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Layered so features the second pipeline sets do not overwrite the outer pipeline's.
    private readonly FeatureCollection _features = new(inner.Features);

    public Task Finished => _finished.Task;

    public override string ConnectionId { get => inner.ConnectionId; set => inner.ConnectionId = value; }
    public override IFeatureCollection Features => _features;
    public override IDictionary<object, object?> Items { get => inner.Items; set => inner.Items = value; }
    public override IDuplexPipe Transport { get => inner.Transport; set => inner.Transport = value; }
    public override CancellationToken ConnectionClosed { get => inner.ConnectionClosed; set => inner.ConnectionClosed = value; }
    public override EndPoint? LocalEndPoint { get => inner.LocalEndPoint; set => inner.LocalEndPoint = value; }
    public override EndPoint? RemoteEndPoint { get => inner.RemoteEndPoint; set => inner.RemoteEndPoint = value; }

    public override void Abort(ConnectionAbortedException abortReason) => inner.Abort(abortReason);

    public override void Abort() => inner.Abort();

    public override ValueTask DisposeAsync()
    {
        _finished.TrySetResult();
        return ValueTask.CompletedTask;
    }

    internal void ReleaseUnaccepted()
    {
        inner.Abort(new ConnectionAbortedException("The server is shutting down."));
        _finished.TrySetResult();
    }
}

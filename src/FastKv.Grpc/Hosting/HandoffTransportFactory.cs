// Kestrel's transport for this host: sockets for real addresses, the in-process listener for the
// HTTP/2 handoff endpoint.
using System.Net;
using Microsoft.AspNetCore.Connections;

namespace FastKv.Grpc.Hosting;

internal sealed class HandoffTransportFactory(IConnectionListenerFactory sockets) : IConnectionListenerFactory
{
    public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (endpoint is Http2HandoffEndPoint handoff)
        {
            handoff.Listener.Bind(endpoint);
            return handoff.Listener;
        }
        return await sockets.BindAsync(endpoint, cancellationToken).ConfigureAwait(false);
    }
}

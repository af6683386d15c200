// Connection middleware in front of Kestrel's HTTP/2 pipeline (after the h2c preface sniff and
// after TLS): routes the client's bytes through an AuthorityRewritingReader so that grpc-go clients
// dialing "passthrough:///http://host:port" (etcdctl with a scheme in --endpoints) are served
// instead of reset for an invalid :authority, as etcd itself serves them.
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace FastKv.Grpc.Hosting;

internal sealed class AuthorityRewritingMiddleware(AuthorityRewriteLimits limits)
{
    public async Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var original = connection.Transport;
        connection.Transport = new Transport(new AuthorityRewritingReader(original.Input, limits), original.Output);
        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            connection.Transport = original;
        }
    }

    private sealed class Transport(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;

        public PipeWriter Output => output;
    }
}

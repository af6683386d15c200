// The in-process "address" of the HTTP/2-only pipeline: Kestrel binds it like any endpoint, and
// the preface sniffer delivers connections to it instead of a socket.
using System.Net;

namespace FastKv.Grpc.Hosting;

internal sealed class Http2HandoffEndPoint : EndPoint
{
    public Http2HandoffListener Listener { get; } = new();

    public override string ToString() => "h2c-handoff";
}

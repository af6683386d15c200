// One address the host listens on. Without a certificate the port speaks cleartext HTTP/1.1 and
// HTTP/2 with prior knowledge (told apart by the connection preface); with one it speaks TLS and
// ALPN picks h2 or http/1.1. ConfigureTls reaches Kestrel's TLS options for what etcd's
// --client-cert-auth/--trusted-ca-file need (client certificate mode and validation). The address
// is an IP endpoint or a UnixDomainSocketEndPoint (etcd's unix:// and unixs:// URLs).
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace FastKv.Grpc.Hosting;

public sealed record GrpcEndpoint(EndPoint EndPoint, X509Certificate2? Certificate = null, Action<HttpsConnectionAdapterOptions>? ConfigureTls = null)
{
    public static GrpcEndpoint Loopback(int port = 0) => new(new IPEndPoint(IPAddress.Loopback, port));
}

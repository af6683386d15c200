// A GrpcHost on a free loopback port with the in-memory KV, the probes, and a plain-HTTP handler
// that answers "http:<protocol>:<path>", stopped on dispose.
using System.Net;
using FastKv.Grpc.Hosting;
using FastKv.Grpc.Server;
using Microsoft.AspNetCore.Http;

namespace FastKv.Grpc.Tests;

internal sealed class TestServer : IAsyncDisposable
{
    private readonly GrpcHost _host;

    private TestServer(GrpcHost host, ProbeService probes)
    {
        _host = host;
        Probes = probes;
    }

    public ProbeService Probes { get; }

    public IPEndPoint EndPoint => _host.BoundEndPoints[0];

    public Uri Address => new($"http://127.0.0.1:{EndPoint.Port}");

    public static async Task<TestServer> StartAsync(int maxReceiveMessageSize = 64 * 1024,
        System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null,
        Action<Microsoft.AspNetCore.Server.Kestrel.Https.HttpsConnectionAdapterOptions>? configureTls = null)
    {
        var methods = new MethodTable();
        new InMemoryKvService().Register(methods);
        var probes = new ProbeService();
        probes.Register(methods);
        var options = new GrpcHostOptions
        {
            MaxReceiveMessageSize = maxReceiveMessageSize,
            HttpHandler = context => context.Response.WriteAsync($"http:{context.Request.Protocol}:{context.Request.Path}"),
        };
        options.Endpoints.Add(new GrpcEndpoint(new IPEndPoint(IPAddress.Loopback, 0), certificate, configureTls));
        var host = new GrpcHost(options, methods);
        await host.StartAsync();
        return new TestServer(host, probes);
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}

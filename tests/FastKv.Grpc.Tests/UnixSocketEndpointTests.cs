// A unix socket endpoint (etcd's unix:// URLs) serves like a TCP one: HTTP/1.1 and HTTP/2 with
// prior knowledge told apart by the preface, and it is reported among the bound addresses.
using System.Net;
using System.Net.Sockets;
using FastKv.Grpc.Hosting;
using FastKv.Grpc.Server;
using Microsoft.AspNetCore.Http;

namespace FastKv.Grpc.Tests;

public sealed class UnixSocketEndpointTests
{
    [Fact]
    public async Task A_unix_socket_serves_http1_and_http2_on_one_file()
    {
        var dir = Directory.CreateTempSubdirectory("fastkv-uds-");
        try
        {
            var path = Path.Combine(dir.FullName, "client.sock");
            var options = new GrpcHostOptions
            {
                HttpHandler = context => context.Response.WriteAsync($"http:{context.Request.Protocol}:{context.Request.Path}"),
            };
            options.Endpoints.Add(new GrpcEndpoint(new UnixDomainSocketEndPoint(path)));
            options.Endpoints.Add(GrpcEndpoint.Loopback());
            await using var host = new GrpcHost(options, new MethodTable());
            await host.StartAsync();

            Assert.True(File.Exists(path));
            Assert.Equal(2, host.BoundAddresses.Count);
            Assert.IsType<UnixDomainSocketEndPoint>(host.BoundAddresses[0]);
            Assert.Equal(host.BoundAddresses[1], Assert.Single(host.BoundEndPoints));

            var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, cancellationToken) =>
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    try
                    {
                        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            };
            using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
            foreach (var (version, protocol) in new[] { (HttpVersion.Version11, "HTTP/1.1"), (HttpVersion.Version20, "HTTP/2") })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "http://localhost/health") { Version = version, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
                using var response = await http.SendAsync(request);
                Assert.Equal(version, response.Version);
                Assert.Equal($"http:{protocol}:/health", await response.Content.ReadAsStringAsync());
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}

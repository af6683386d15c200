// The gRPC port also answers plain HTTP: HTTP/1.1 and non-gRPC HTTP/2 requests reach the host's
// RequestDelegate (where the server serves /health, /version, /metrics).
using System.Net;
using FastKv.Grpc.Client;

namespace FastKv.Grpc.Tests;

public sealed class SamePortHttpTests
{
    [Theory]
    [InlineData("1.1", "HTTP/1.1")]
    [InlineData("2.0", "HTTP/2")]
    public async Task Plain_http_request_reaches_the_request_delegate(string version, string protocol)
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Address, "/health"))
        {
            Version = Version.Parse(version),
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"http:{protocol}:/health", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Http1_and_grpc_clients_interleave_on_the_same_port()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient { DefaultRequestVersion = HttpVersion.Version11 };
        using var client = new GrpcClient(server.Address);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("http:HTTP/1.1:/version", await http.GetStringAsync(new Uri(server.Address, "/version")));
            await client.AssertServesAsync();
        }
    }

    [Fact]
    public async Task A_connection_that_closes_before_speaking_does_not_disturb_the_server()
    {
        await using var server = await TestServer.StartAsync();
        using (var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp))
        {
            await socket.ConnectAsync(server.EndPoint);
            await socket.SendAsync("PRI * HT"u8.ToArray());
        }
        using var client = new GrpcClient(server.Address);
        await client.AssertServesAsync();
    }
}

// Starting, addressing and stopping the host: several endpoints, bounded shutdown with open streams.
using System.Diagnostics;
using System.Net;
using FastKv.Api.Etcdserverpb;
using FastKv.Grpc.Client;
using FastKv.Grpc.Hosting;
using FastKv.Grpc.Server;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;

namespace FastKv.Grpc.Tests;

public sealed class HostLifecycleTests
{
    private const byte Settings = 0x4;
    private const byte GoAway = 0x7;

    [Fact]
    public async Task Every_endpoint_is_bound_and_serves()
    {
        var methods = new MethodTable();
        new InMemoryKvService().Register(methods);
        var options = new GrpcHostOptions();
        options.Endpoints.Add(GrpcEndpoint.Loopback());
        options.Endpoints.Add(GrpcEndpoint.Loopback());
        await using var host = new GrpcHost(options, methods);
        await host.StartAsync();
        Assert.Equal(2, host.BoundEndPoints.Count);
        Assert.NotEqual(host.BoundEndPoints[0].Port, host.BoundEndPoints[1].Port);
        foreach (var endpoint in host.BoundEndPoints)
        {
            Assert.NotEqual(0, endpoint.Port);
            using var client = new GrpcClient(new Uri($"http://{endpoint}"));
            await client.AssertServesAsync();
        }
    }

    [Fact]
    public async Task Stop_with_an_open_watch_finishes_within_its_grace_period_and_closes_the_port()
    {
        var server = await TestServer.StartAsync();
        var endpoint = server.EndPoint;
        using var client = new GrpcClient(server.Address);
        using var watch = client.DuplexStreaming<WatchRequest, WatchResponse>("/etcdserverpb.Watch/Watch", WatchResponse.Parser);
        await watch.RequestStream.WriteAsync(new WatchRequest { CreateRequest = new WatchCreateRequest { Key = ByteString.CopyFromUtf8("w") } });
        Assert.True(await watch.ResponseStream.MoveNextAsync());

        var clock = Stopwatch.StartNew();
        await server.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        // Streams are ended at once rather than waited for through the whole grace period.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"stop took {clock.Elapsed}");

        var error = await Assert.ThrowsAsync<RpcException>(async () => await watch.ResponseStream.MoveNextAsync()).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(FastKv.Api.StatusCode.Unavailable, error.Code);
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => socket.ConnectAsync(endpoint));
    }

    // etcd (grpc-go) never closes a client connection for being idle. Kestrel's heartbeat ticks
    // every second; a connection with no open stream must outlive a few of them without a GOAWAY.
    [Fact]
    public async Task An_idle_http2_connection_is_not_sent_away_by_the_heartbeat()
    {
        await using var server = await TestServer.StartAsync();
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await socket.ConnectAsync(server.EndPoint);
        var hello = new byte[24 + Http2FrameHead.Size];
        "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.CopyTo(hello);
        new Http2FrameHead(0, Settings, 0, 0).Write(hello.AsSpan(24)); // an empty SETTINGS frame
        await socket.SendAsync(hello);

        var received = new List<byte>();
        var buffer = new byte[4096];
        var idle = Stopwatch.StartNew();
        while (idle.Elapsed < TimeSpan.FromSeconds(3.5))
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(3.5) - idle.Elapsed);
            int n;
            try
            {
                n = await socket.ReceiveAsync(buffer, wait.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            Assert.True(n > 0, $"the server closed an idle connection after {idle.Elapsed}");
            received.AddRange(buffer.AsSpan(0, n).ToArray());
        }
        var frameTypes = new List<byte>();
        var bytes = received.ToArray();
        for (int at = 0; at + Http2FrameHead.Size <= bytes.Length;)
        {
            var head = Http2FrameHead.Read(bytes.AsSpan(at));
            frameTypes.Add(head.Type);
            at += (int)head.FrameLength;
        }
        Assert.DoesNotContain(GoAway, frameTypes);
        Assert.Contains(Settings, frameTypes); // the server's SETTINGS: the connection was served
    }

    [Fact]
    public async Task Accepted_sockets_take_their_buffers_from_kestrels_block_pool_not_the_shared_array_pool()
    {
        var options = new GrpcHostOptions();
        options.Endpoints.Add(GrpcEndpoint.Loopback());
        await using var host = new GrpcHost(options, new MethodTable());
        var transport = host.Services.GetRequiredService<Microsoft.AspNetCore.Connections.IConnectionListenerFactory>();
        await using var listener = await transport.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await socket.ConnectAsync(listener.EndPoint);
        await using var connection = await listener.AcceptAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        var pool = connection!.Features.Get<Microsoft.AspNetCore.Connections.Features.IMemoryPoolFeature>()!.MemoryPool;
        Assert.NotEqual(System.Buffers.MemoryPool<byte>.Shared.GetType(), pool.GetType());
    }

    [Fact]
    public async Task Options_are_validated()
    {
        Assert.Throws<ArgumentException>(() => new GrpcHost(new GrpcHostOptions(), new MethodTable()));
        var bad = new GrpcHostOptions { MaxReceiveMessageSize = 0 };
        bad.Endpoints.Add(GrpcEndpoint.Loopback());
        Assert.Throws<ArgumentOutOfRangeException>(() => new GrpcHost(bad, new MethodTable()));
        var methods = new MethodTable();
        methods.AddUnary<RangeRequest, RangeResponse>("s", "m", RangeRequest.Parser, (_, _) => ValueTask.FromResult(new RangeResponse()));
        Assert.Throws<InvalidOperationException>(() =>
            methods.AddUnary<RangeRequest, RangeResponse>("s", "m", RangeRequest.Parser, (_, _) => ValueTask.FromResult(new RangeResponse())));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task A_second_host_on_a_taken_port_fails_to_start()
    {
        await using var server = await TestServer.StartAsync();
        var options = new GrpcHostOptions();
        options.Endpoints.Add(new GrpcEndpoint(new IPEndPoint(IPAddress.Loopback, server.EndPoint.Port)));
        await using var second = new GrpcHost(options, new MethodTable());
        await Assert.ThrowsAnyAsync<Exception>(() => second.StartAsync());
    }
}

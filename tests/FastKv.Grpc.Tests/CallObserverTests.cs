// The per-call hook sees every call to a registered method with its final code, as etcd's
// grpc_server_handled_total would count it.
using System.Collections.Concurrent;
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using FastKv.Grpc.Client;
using FastKv.Grpc.Hosting;
using FastKv.Grpc.Server;

namespace FastKv.Grpc.Tests;

public sealed class CallObserverTests
{
    private sealed class RecordingObserver : IGrpcCallObserver
    {
        public ConcurrentQueue<string> Started { get; } = new();
        public ConcurrentQueue<string> Completed { get; } = new();

        public void OnCallStarted(GrpcMethodInfo method) => Started.Enqueue($"{method.GrpcType} {method.Service} {method.Name}");

        public void OnCallCompleted(GrpcMethodInfo method, StatusCode code, TimeSpan elapsed)
        {
            Assert.True(elapsed >= TimeSpan.Zero);
            Completed.Enqueue($"{method.Path} {code}");
        }
    }

    [Fact]
    public async Task Observer_sees_kind_service_method_and_final_code()
    {
        var observer = new RecordingObserver();
        var methods = new MethodTable();
        new InMemoryKvService().Register(methods);
        new ProbeService().Register(methods);
        var options = new GrpcHostOptions { CallObserver = observer };
        options.Endpoints.Add(GrpcEndpoint.Loopback());
        await using var host = new GrpcHost(options, methods);
        await host.StartAsync();
        using var client = new GrpcClient(new Uri($"http://{host.BoundEndPoints[0]}"));

        await client.PutAsync("a", "b");
        await Assert.ThrowsAsync<RpcException>(() => client.UnaryAsync($"/{ProbeService.Service}/Throw", new RangeRequest(), RangeResponse.Parser));
        await Assert.ThrowsAsync<RpcException>(() => client.UnaryAsync("/etcdserverpb.KV/Nope", new RangeRequest(), RangeResponse.Parser));
        using (var watch = client.DuplexStreaming<WatchRequest, WatchResponse>("/etcdserverpb.Watch/Watch", WatchResponse.Parser))
        {
            await watch.RequestStream.CompleteAsync();
            Assert.False(await watch.ResponseStream.MoveNextAsync());
        }

        Assert.Equal(["unary etcdserverpb.KV Put", $"unary {ProbeService.Service} Throw", "bidi_stream etcdserverpb.Watch Watch"], observer.Started);
        Assert.Equal(["/etcdserverpb.KV/Put OK", $"/{ProbeService.Service}/Throw Unknown", "/etcdserverpb.Watch/Watch OK"], observer.Completed);
        Assert.Contains(methods.Methods, m => m.Path == "/etcdserverpb.KV/Range" && m.Kind == MethodKind.Unary);
    }
}

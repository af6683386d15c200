// Requests the server must refuse get gRPC errors with etcd's codes and messages, and the
// server keeps serving afterwards: unknown methods, requests over --max-request-bytes, messages
// over the gRPC receive limit, cancelled streams.
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using FastKv.Grpc;
using FastKv.Grpc.Client;
using FastKv.Server.Tests.Support;
using Google.Protobuf;

namespace FastKv.Server.Tests;

public sealed class ProtocolErrorTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private MemberProcess? _server;
    private GrpcClient? _client;

    private GrpcClient Client => _client!;

    public async Task InitializeAsync()
    {
        // A small request limit keeps the oversized messages small.
        _server = await MemberProcess.StartFastKvAsync(_dir.Sub("data"), extra: ["--max-request-bytes", "65536"]);
        _client = new GrpcClient(new Uri("http://" + _server.Endpoint));
    }

    public Task DisposeAsync()
    {
        _client?.Dispose();
        _server?.Dispose();
        _dir.Dispose();
        return Task.CompletedTask;
    }

    private Task<PutResponse> PutAsync(string key, int valueBytes) =>
        Client.UnaryAsync("/etcdserverpb.KV/Put",
            new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFrom(new byte[valueBytes]) },
            PutResponse.Parser, new CallOptions { Timeout = TimeSpan.FromSeconds(10) });

    private async Task AssertServesAsync()
    {
        var put = await PutAsync("/still/serving", 10);
        Assert.True(put.Header.Revision > 1);
    }

    [Fact]
    public async Task Unknown_method_and_service_are_unimplemented()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => Client.UnaryAsync("/etcdserverpb.KV/Nope", new RangeRequest(), RangeResponse.Parser));
        Assert.Equal(StatusCode.Unimplemented, e.Code);
        Assert.Equal("unknown method Nope for service etcdserverpb.KV", e.Message);
        e = await Assert.ThrowsAsync<RpcException>(() => Client.UnaryAsync("/nope.Service/Call", new RangeRequest(), RangeResponse.Parser));
        Assert.Equal("unknown service nope.Service", e.Message);
        await AssertServesAsync();
    }

    [Fact]
    public async Task Request_over_max_request_bytes_is_too_large()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => PutAsync("/big", 100_000));
        Assert.Equal(StatusCode.InvalidArgument, e.Code);
        Assert.Equal("etcdserver: request is too large", e.Message);
        await AssertServesAsync();
    }

    [Fact]
    public async Task Message_over_the_receive_limit_is_resource_exhausted()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => PutAsync("/huge", 65536 + 512 * 1024 + 10));
        Assert.Equal(StatusCode.ResourceExhausted, e.Code);
        Assert.StartsWith("grpc: received message larger than max (", e.Message);
        await AssertServesAsync();
    }

    [Fact]
    public async Task Empty_key_is_refused_with_etcds_error()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => PutAsync("", 1));
        Assert.Equal(StatusCode.InvalidArgument, e.Code);
        Assert.Equal("etcdserver: key is not provided", e.Message);
    }

    [Fact]
    public async Task Cancelled_watch_streams_leave_the_server_serving()
    {
        for (var i = 0; i < 20; i++)
        {
            using var cancel = new CancellationTokenSource();
            using var call = Client.DuplexStreaming<WatchRequest, WatchResponse>("/etcdserverpb.Watch/Watch", WatchResponse.Parser,
                new CallOptions { CancellationToken = cancel.Token });
            await call.RequestStream.WriteAsync(new WatchRequest { CreateRequest = new WatchCreateRequest { Key = ByteString.CopyFromUtf8("/w") } });
            Assert.True(await call.ResponseStream.MoveNextAsync());
            Assert.True(call.ResponseStream.Current.Created);
            await cancel.CancelAsync();
        }
        await AssertServesAsync();
    }

    [Fact]
    public async Task Deadline_exceeded_on_a_watch_that_never_ends()
    {
        using var call = Client.DuplexStreaming<WatchRequest, WatchResponse>("/etcdserverpb.Watch/Watch", WatchResponse.Parser,
            new CallOptions { Timeout = TimeSpan.FromMilliseconds(500) });
        await call.RequestStream.WriteAsync(new WatchRequest { CreateRequest = new WatchCreateRequest { Key = ByteString.CopyFromUtf8("/d") } });
        var e = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNextAsync()) { }
        });
        Assert.Equal(StatusCode.DeadlineExceeded, e.Code);
        await AssertServesAsync();
    }
}

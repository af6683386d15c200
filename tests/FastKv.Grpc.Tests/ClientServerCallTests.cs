// The four call kinds end to end through GrpcClient and GrpcHost over h2c on loopback.
using FastKv.Api.Etcdserverpb;
using FastKv.Grpc.Client;
using Google.Protobuf;

namespace FastKv.Grpc.Tests;

public sealed class ClientServerCallTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Unary_put_then_range_reads_the_value_back()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new GrpcClient(server.Address);
        var put = await client.PutAsync("k", "v");
        Assert.True(put.Header.Revision > 1);
        Assert.Equal("v", await client.GetAsync("k"));
        Assert.Null(await client.GetAsync("missing"));
    }

    [Fact]
    public async Task Many_concurrent_unary_calls_share_the_connection()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new GrpcClient(server.Address);
        var calls = Enumerable.Range(0, 200).Select(i => client.PutAsync($"key{i}", $"value{i}")).ToArray();
        await Task.WhenAll(calls).WaitAsync(Bound);
        for (var i = 0; i < 200; i += 37) Assert.Equal($"value{i}", await client.GetAsync($"key{i}"));
    }

    [Fact]
    public async Task Metadata_reaches_the_handler()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new GrpcClient(server.Address);
        var response = await client.UnaryAsync($"/{ProbeService.Service}/Metadata", new RangeRequest(), RangeResponse.Parser,
            new CallOptions { Metadata = [new("token", "abc.123"), new("authorization", "Bearer x")] });
        Assert.Equal(["token=abc.123", "authorization=Bearer x"],
            response.Kvs.Select(kv => $"{kv.Key.ToStringUtf8()}={kv.Value.ToStringUtf8()}"));
    }

    [Fact]
    public async Task Duplex_watch_acknowledges_creates_and_pushes_events_from_other_calls()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new GrpcClient(server.Address);
        using var watch = client.DuplexStreaming<WatchRequest, WatchResponse>("/etcdserverpb.Watch/Watch", WatchResponse.Parser,
            new CallOptions { Timeout = Bound });
        await watch.RequestStream.WriteAsync(new WatchRequest { CreateRequest = new WatchCreateRequest { Key = ByteString.CopyFromUtf8("w") } });
        Assert.True(await watch.ResponseStream.MoveNextAsync());
        var created = watch.ResponseStream.Current;
        Assert.True(created.Created);

        for (var i = 0; i < 5; i++)
        {
            await client.PutAsync("w", $"v{i}");
            Assert.True(await watch.ResponseStream.MoveNextAsync());
            var evt = Assert.Single(watch.ResponseStream.Current.Events);
            Assert.Equal($"v{i}", evt.Kv.Value.ToStringUtf8());
            Assert.Equal(created.WatchId, watch.ResponseStream.Current.WatchId);
        }

        await watch.RequestStream.WriteAsync(new WatchRequest { CancelRequest = new WatchCancelRequest { WatchId = created.WatchId } });
        Assert.True(await watch.ResponseStream.MoveNextAsync());
        Assert.True(watch.ResponseStream.Current.Canceled);

        await watch.RequestStream.CompleteAsync();
        Assert.False(await watch.ResponseStream.MoveNextAsync());
    }

    [Fact]
    public async Task Server_stream_delivers_each_message_as_written()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new GrpcClient(server.Address);
        using var call = client.ServerStreaming($"/{ProbeService.Service}/Stream", new RangeRequest { Limit = 3 }, RangeResponse.Parser,
            new CallOptions { Timeout = Bound });
        for (long i = 0; i <= 3; i++)
        {
            Assert.True(await call.ResponseStream.MoveNextAsync());
            Assert.Equal(i, call.ResponseStream.Current.Count);
        }
    }

    [Fact]
    public async Task Client_stream_collects_every_request()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new GrpcClient(server.Address);
        using var call = client.DuplexStreaming<PutRequest, RangeResponse>($"/{ProbeService.Service}/Collect", RangeResponse.Parser,
            new CallOptions { Timeout = Bound });
        for (var i = 0; i < 10; i++)
            await call.RequestStream.WriteAsync(new PutRequest { Key = ByteString.CopyFromUtf8($"k{i}"), Value = ByteString.CopyFromUtf8($"v{i}") });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNextAsync());
        Assert.Equal(10, call.ResponseStream.Current.Count);
        Assert.Equal("k9", call.ResponseStream.Current.Kvs[9].Key.ToStringUtf8());
        Assert.False(await call.ResponseStream.MoveNextAsync());
    }

    [Fact]
    public async Task Large_messages_cross_many_http2_frames_both_ways()
    {
        await using var server = await TestServer.StartAsync(maxReceiveMessageSize: 4 * 1024 * 1024);
        using var client = new GrpcClient(server.Address);
        var value = new byte[3 * 1024 * 1024];
        new Random(7).NextBytes(value);
        await client.UnaryAsync("/etcdserverpb.KV/Put",
            new PutRequest { Key = ByteString.CopyFromUtf8("big"), Value = ByteString.CopyFrom(value) }, PutResponse.Parser);
        var concurrent = Enumerable.Range(0, 4).Select(_ => client.UnaryAsync("/etcdserverpb.KV/Range",
            new RangeRequest { Key = ByteString.CopyFromUtf8("big") }, RangeResponse.Parser)).ToArray();
        foreach (var response in await Task.WhenAll(concurrent).WaitAsync(Bound))
            Assert.True(response.Kvs.Single().Value.Span.SequenceEqual(value));
    }
}

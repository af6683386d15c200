// The transport against the project's real gRPC host (Kestrel): unary calls parse their responses,
// many calls share one connection, bodies larger than every default window travel both ways, an
// error status comes back with its message, the Watch stream works both ways, and the CLI runs a
// whole benchmark over either transport with every key written.
using System.Text;
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using FastKv.Grpc;
using FastKv.LoadGen.Http2;
using Google.Protobuf;

namespace FastKv.LoadGen.Tests;

public sealed class EndToEndTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Put_then_range_reads_the_value_back()
    {
        await using var kv = await InProcessKv.StartAsync();
        using var client = await H2Connection.ConnectAsync(kv.Address);
        var put = await client.UnaryAsync("/etcdserverpb.KV/Put", new PutRequest { Key = ByteString.CopyFromUtf8("k"), Value = ByteString.CopyFromUtf8("v") }, PutResponse.Parser);
        Assert.Equal(2, put.Header.Revision);
        var range = await client.UnaryAsync("/etcdserverpb.KV/Range", new RangeRequest { Key = ByteString.CopyFromUtf8("k") }, RangeResponse.Parser);
        Assert.Equal("v", range.Kvs.Single().Value.ToStringUtf8());
        await client.CallAsync("/etcdserverpb.KV/Range", new RangeRequest { Key = ByteString.CopyFromUtf8("k") });
    }

    [Fact]
    public async Task Thousands_of_concurrent_calls_share_one_connection()
    {
        await using var kv = await InProcessKv.StartAsync();
        using var client = await H2Connection.ConnectAsync(kv.Address);
        var next = -1;
        var workers = Enumerable.Range(0, 200).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < 4000)
                await client.CallAsync("/etcdserverpb.KV/Put", new PutRequest { Key = ByteString.CopyFromUtf8($"key{i}"), Value = ByteString.CopyFromUtf8($"v{i}") });
        }));
        await Task.WhenAll(workers).WaitAsync(Bound);
        Assert.Equal(4000, kv.Data.Count);
        Assert.Equal("v3999", kv.Data["key3999"].ToStringUtf8());
        Assert.True(client.Sends < 4000, $"{client.Sends} sends for 4000 calls: writes were not coalesced");
    }

    [Fact]
    public async Task Bodies_beyond_the_default_windows_travel_both_ways()
    {
        await using var kv = await InProcessKv.StartAsync();
        using var client = await H2Connection.ConnectAsync(kv.Address, new H2ConnectionOptions { StreamReceiveWindow = 65535 });
        var values = Enumerable.Range(0, 12).Select(i => ByteString.CopyFrom(Enumerable.Range(0, 300_000).Select(b => (byte)(b + i)).ToArray())).ToArray();
        await Task.WhenAll(values.Select((v, i) =>
            client.CallAsync("/etcdserverpb.KV/Put", new PutRequest { Key = ByteString.CopyFromUtf8($"big{i}"), Value = v }).AsTask())).WaitAsync(Bound);
        var reads = await Task.WhenAll(values.Select((_, i) =>
            client.UnaryAsync("/etcdserverpb.KV/Range", new RangeRequest { Key = ByteString.CopyFromUtf8($"big{i}") }, RangeResponse.Parser).AsTask())).WaitAsync(Bound);
        for (var i = 0; i < values.Length; i++) Assert.Equal(values[i], reads[i].Kvs.Single().Value);
    }

    [Fact]
    public async Task An_error_status_comes_back_with_its_message()
    {
        await using var kv = await InProcessKv.StartAsync();
        using var client = await H2Connection.ConnectAsync(kv.Address);
        var e = await Assert.ThrowsAsync<RpcException>(() => client.CallAsync(InProcessKv.FailMethod, new CompactionRequest { Revision = 1 }).AsTask());
        Assert.Equal((StatusCode.OutOfRange, InProcessKv.FailMessage), (e.Code, e.Message));
        var unknown = await Assert.ThrowsAsync<RpcException>(() => client.CallAsync("/etcdserverpb.KV/Nope", new PutRequest()).AsTask());
        Assert.Equal(StatusCode.Unimplemented, unknown.Code);
        // The connection stays usable after failed calls.
        await client.CallAsync("/etcdserverpb.KV/Put", new PutRequest { Key = ByteString.CopyFromUtf8("after") });
        Assert.True(kv.Data.ContainsKey("after"));
    }

    [Fact]
    public async Task A_watch_stream_writes_and_reads_until_disposed()
    {
        await using var kv = await InProcessKv.StartAsync();
        using var client = await H2Connection.ConnectAsync(kv.Address);
        var watch = client.OpenDuplex<WatchRequest, WatchResponse>("/etcdserverpb.Watch/Watch", WatchResponse.Parser);
        for (var i = 0; i < 50; i++)
        {
            await watch.WriteAsync(new WatchRequest { CreateRequest = new WatchCreateRequest { Key = ByteString.CopyFromUtf8($"w{i}") } });
        }
        for (var i = 0; i < 50; i++)
        {
            Assert.True(await watch.MoveNextAsync().AsTask().WaitAsync(Bound));
            Assert.True(watch.Current.Created);
            Assert.Equal((long)i, watch.Current.WatchId);
            Assert.Equal($"w{i}", watch.Current.Events.Single().Kv.Key.ToStringUtf8());
        }
        watch.Dispose();
        var e = await Assert.ThrowsAsync<RpcException>(() => watch.MoveNextAsync().AsTask().WaitAsync(Bound));
        Assert.Equal(StatusCode.Cancelled, e.Code);
        Assert.Equal(0, client.OpenStreams);
    }

    [Theory]
    [InlineData("h2")]
    [InlineData("httpclient")]
    public async Task The_put_benchmark_runs_over_either_transport_and_writes_every_key(string transport)
    {
        await using var kv = await InProcessKv.StartAsync();
        var output = new StringWriter();
        var root = CommandLine.Build(output, TextWriter.Null);
        var endpoint = $"127.0.0.1:{kv.Address.Port}";
        var exit = await root.Parse(["--endpoints", endpoint, "--transport", transport, "--conns", "3", "--clients", "30", "--total", "600",
            "put", "--sequential-keys", "--key-space-size", "600", "--val-size", "16"]).InvokeAsync().WaitAsync(Bound);
        var text = output.ToString();
        Assert.True(exit == 0, text);
        Assert.Contains("Requests/sec:", text);
        Assert.Contains("Generator CPU:", text);
        Assert.DoesNotContain("Error distribution", text);
        Assert.Equal(600, kv.Data.Count);
        var expected = new HashSet<string>(Enumerable.Range(0, 600).Select(i => Encoding.Latin1.GetString(KeyMaker.Key(i, 8))));
        Assert.Subset(expected, kv.Data.Keys.ToHashSet());
    }
}

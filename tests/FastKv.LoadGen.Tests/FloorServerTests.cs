// fastkv-floor, the benchmark's "nothing behind the transport" server: through either layer a put
// gets a well-formed answer from the generator's own client, and with a log every put is appended
// and synced before it is answered, so its numbers measure what they claim.
using System.Net;
using FastKv.Api.Etcdserverpb;
using FastKv.FloorServer;
using FastKv.LoadGen.Http2;
using Google.Protobuf;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FastKv.LoadGen.Tests;

public sealed class FloorServerTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "floor-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    private static readonly IPEndPoint AnyLoopbackPort = new(IPAddress.Loopback, 0);

    private static PutRequest Put(int i) => new() { Key = ByteString.CopyFromUtf8($"k{i}"), Value = ByteString.CopyFrom(new byte[256]) };

    [Fact]
    public async Task The_grpc_layer_answers_each_put_with_a_header_after_syncing_it()
    {
        using var log = new SyncedLog(_directory);
        await using var host = GrpcLayerServer.Build(AnyLoopbackPort, log);
        await host.StartAsync();
        using var client = await H2Connection.ConnectAsync(new Uri($"http://{host.BoundEndPoints[0]}"));
        var revisions = new List<long>();
        for (var i = 0; i < 20; i++)
        {
            var response = await client.UnaryAsync("/etcdserverpb.KV/Put", Put(i), PutResponse.Parser).AsTask().WaitAsync(Bound);
            revisions.Add(response.Header.Revision);
            Assert.Equal(i + 1, log.Appends);
        }
        Assert.Equal(Enumerable.Range(2, 20).Select(r => (long)r), revisions);
        var range = await client.UnaryAsync("/etcdserverpb.KV/Range", new RangeRequest { Key = ByteString.CopyFromUtf8("k0") }, RangeResponse.Parser).AsTask().WaitAsync(Bound);
        Assert.Equal(21, range.Header.Revision);
        Assert.Empty(range.Kvs);
        Assert.Equal(20, log.Appends);
    }

    [Fact]
    public async Task Bare_kestrel_answers_every_call_with_an_empty_message_after_syncing_it()
    {
        using var log = new SyncedLog(_directory);
        using var host = KestrelOnlyServer.Build(AnyLoopbackPort, log);
        await host.StartAsync();
        try
        {
            var address = host.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            using var client = await H2Connection.ConnectAsync(new Uri(address));
            var calls = Enumerable.Range(0, 50).Select(i => client.UnaryAsync("/etcdserverpb.KV/Put", Put(i), PutResponse.Parser).AsTask());
            var responses = await Task.WhenAll(calls).WaitAsync(Bound);
            Assert.All(responses, r => Assert.Null(r.Header));
            Assert.Equal(50, log.Appends);
            Assert.Equal(16 << 20, new FileInfo(Path.Combine(_directory, "floor.log")).Length);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}

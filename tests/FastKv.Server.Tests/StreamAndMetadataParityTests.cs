// Wire details clients depend on, checked on FastKv and on the real etcd 3.4 alike: a watch outlives
// its client's half-close, the token may come as `authorization` metadata, snapshots arrive in
// header-less 32 KiB chunks, and alarm answers carry no header.
using FastKv.Api.Etcdserverpb;
using FastKv.Grpc.Client;
using FastKv.Server.Tests.Support;
using FastKv.TestSupport;
using Google.Protobuf;

namespace FastKv.Server.Tests;

public sealed class StreamAndMetadataParityTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    public static TheoryData<string> Servers => new() { "fastkv", "etcd" };

    private static Task<MemberProcess> StartAsync(string server, TempDir dir) =>
        server == "fastkv" ? MemberProcess.StartFastKvAsync(dir.Sub("data")) : MemberProcess.StartEtcdAsync(dir.Sub("data"));

    private static CallOptions Options(string? metadataKey = null, string? token = null) => new()
    {
        Timeout = Limit,
        Metadata = metadataKey is null || token is null ? null : [new KeyValuePair<string, string>(metadataKey, token)],
    };

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task A_watch_keeps_delivering_after_the_client_closes_its_sending_side(string server)
    {
        Assert.True(MemberProcess.EtcdAvailable || server == "fastkv", "etcd-server is needed (.ci/run installs it)");
        using var dir = new TempDir();
        using var member = await StartAsync(server, dir);
        using var client = new GrpcClient(new Uri("http://" + member.Endpoint));
        using var cancel = new CancellationTokenSource(Limit);
        using var watch = client.DuplexStreaming<WatchRequest, WatchResponse>("/etcdserverpb.Watch/Watch", WatchResponse.Parser, new CallOptions { CancellationToken = cancel.Token });
        await watch.RequestStream.WriteAsync(new WatchRequest { CreateRequest = new WatchCreateRequest { Key = ByteString.CopyFromUtf8("half") } }, cancel.Token);
        await watch.RequestStream.CompleteAsync();
        Assert.True(await watch.ResponseStream.MoveNextAsync());
        Assert.True(watch.ResponseStream.Current.Created);

        await client.UnaryAsync("/etcdserverpb.KV/Put", new PutRequest { Key = ByteString.CopyFromUtf8("half"), Value = ByteString.CopyFromUtf8("v") }, PutResponse.Parser, Options());
        Assert.True(await watch.ResponseStream.MoveNextAsync(), "the watch ended after the half-close");
        var ev = Assert.Single(watch.ResponseStream.Current.Events);
        Assert.Equal("half", ev.Kv.Key.ToStringUtf8());
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task The_token_may_travel_as_authorization_metadata(string server)
    {
        Assert.True(MemberProcess.EtcdAvailable || server == "fastkv", "etcd-server is needed (.ci/run installs it)");
        using var dir = new TempDir();
        using var member = await StartAsync(server, dir);
        using var client = new GrpcClient(new Uri("http://" + member.Endpoint));
        await client.UnaryAsync("/etcdserverpb.Auth/UserAdd", new AuthUserAddRequest { Name = "root", Password = "pw" }, AuthUserAddResponse.Parser, Options());
        await client.UnaryAsync("/etcdserverpb.Auth/UserGrantRole", new AuthUserGrantRoleRequest { User = "root", Role = "root" }, AuthUserGrantRoleResponse.Parser, Options());
        await client.UnaryAsync("/etcdserverpb.Auth/AuthEnable", new AuthEnableRequest(), AuthEnableResponse.Parser, Options());
        var token = (await client.UnaryAsync("/etcdserverpb.Auth/Authenticate", new AuthenticateRequest { Name = "root", Password = "pw" }, AuthenticateResponse.Parser, Options())).Token;

        var range = new RangeRequest { Key = ByteString.CopyFromUtf8("k") };
        await client.UnaryAsync("/etcdserverpb.KV/Range", range, RangeResponse.Parser, Options("authorization", token));
        var refused = await Assert.ThrowsAsync<FastKv.Grpc.RpcException>(() => client.UnaryAsync("/etcdserverpb.KV/Range", range, RangeResponse.Parser, Options()));
        Assert.Contains("user name is empty", refused.Message);
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Snapshots_arrive_in_headerless_32_KiB_chunks_and_alarm_answers_have_no_header(string server)
    {
        Assert.True(MemberProcess.EtcdAvailable || server == "fastkv", "etcd-server is needed (.ci/run installs it)");
        using var dir = new TempDir();
        using var member = await StartAsync(server, dir);
        using var client = new GrpcClient(new Uri("http://" + member.Endpoint));
        var value = ByteString.CopyFrom(new byte[4000]);
        for (var i = 0; i < 60; i++)
            await client.UnaryAsync("/etcdserverpb.KV/Put", new PutRequest { Key = ByteString.CopyFromUtf8($"k{i:D3}"), Value = value }, PutResponse.Parser, Options());

        using var cancel = new CancellationTokenSource(Limit);
        using var snapshot = client.ServerStreaming("/etcdserverpb.Maintenance/Snapshot", new SnapshotRequest(), SnapshotResponse.Parser, new CallOptions { CancellationToken = cancel.Token });
        var chunks = new List<SnapshotResponse>();
        await foreach (var chunk in snapshot.ResponseStream.ReadAllAsync(cancel.Token)) chunks.Add(chunk);
        Assert.True(chunks.Count >= 4, $"only {chunks.Count} chunks");
        Assert.All(chunks, c => Assert.Null(c.Header));
        Assert.All(chunks.SkipLast(2), c => Assert.Equal(32 * 1024, c.Blob.Length));
        Assert.Equal(32, chunks[^1].Blob.Length); // the SHA-256 of the file

        var alarms = await client.UnaryAsync("/etcdserverpb.Maintenance/Alarm", new AlarmRequest { Action = AlarmRequest.Types.AlarmAction.Get }, AlarmResponse.Parser, Options());
        Assert.Null(alarms.Header);
    }
}

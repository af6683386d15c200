// Creating and canceling watches: ids, created/canceled responses and etcd's refusals.
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using static FastKv.Mvcc.Tests.Watch.WatchTestRig;

namespace FastKv.Mvcc.Tests.Watch;

public sealed class WatchCreateTests
{
    [Fact]
    public void Created_response_carries_id_and_current_revision()
    {
        using var rig = new WatchTestRig();
        rig.Keys.Put("a", "1");
        rig.Keys.Put("b", "2");
        using var stream = rig.Hub.OpenStream();

        long id = stream.Create(Request("a"));

        Assert.True(stream.TryRead(out var response));
        Assert.Equal(0, id);
        Assert.True(response.Created);
        Assert.False(response.Canceled);
        Assert.Equal(0, response.WatchId);
        Assert.Equal(2, response.Header.Revision);
        Assert.False(stream.TryRead(out _));
    }

    [Fact]
    public void Automatic_ids_count_up_from_zero_and_skip_ids_the_client_chose()
    {
        using var rig = new WatchTestRig();
        using var stream = rig.Hub.OpenStream();

        Assert.Equal(0, stream.Create(Request("a")));
        Assert.Equal(1, stream.Create(Request("a")));
        Assert.Equal(3, stream.Create(Request("a", id: 3)));
        Assert.Equal(2, stream.Create(Request("a")));
        Assert.Equal(4, stream.Create(Request("a")));
    }

    [Fact]
    public void Ids_are_per_stream()
    {
        using var rig = new WatchTestRig();
        using var one = rig.Hub.OpenStream();
        using var two = rig.Hub.OpenStream();

        Assert.Equal(0, one.Create(Request("a")));
        Assert.Equal(0, two.Create(Request("a")));
    }

    [Fact]
    public void Duplicate_client_id_is_refused_with_etcds_reason()
    {
        using var rig = new WatchTestRig();
        using var stream = rig.Hub.OpenStream();
        stream.Create(Request("a", id: 7));
        stream.TryRead(out _);

        long id = stream.Create(Request("b", id: 7));

        Assert.Equal(-1, id);
        Assert.True(stream.TryRead(out var response));
        Assert.True(response.Created);
        Assert.True(response.Canceled);
        Assert.Equal(-1, response.WatchId);
        Assert.Equal("mvcc: duplicate watch ID provided on the WatchStream", response.CancelReason);
    }

    [Theory]
    [InlineData("b", "a")]
    [InlineData("b", "b")]
    public void Empty_range_is_refused_with_etcds_reason(string key, string rangeEnd)
    {
        using var rig = new WatchTestRig();
        using var stream = rig.Hub.OpenStream();

        Assert.Equal(-1, stream.Create(Request(key, rangeEnd)));

        Assert.True(stream.TryRead(out var response));
        Assert.True(response.Created && response.Canceled);
        Assert.Equal(EtcdErrors.WatchRangeEmptyReason, response.CancelReason);
        Assert.Equal("mvcc: watcher range is empty", response.CancelReason);
    }

    [Fact]
    public void Refuse_answers_created_and_canceled_with_the_given_reason()
    {
        using var rig = new WatchTestRig();
        using var stream = rig.Hub.OpenStream();

        stream.Refuse(Request("secret", id: 4), EtcdErrors.WatchPermissionDeniedReason);

        Assert.True(stream.TryRead(out var response));
        Assert.True(response.Created && response.Canceled);
        Assert.Equal(4, response.WatchId);
        Assert.Equal("rpc error: code = PermissionDenied desc = etcdserver: permission denied", response.CancelReason);
    }

    [Fact]
    public void Cancel_answers_canceled_and_stops_events()
    {
        using var rig = new WatchTestRig();
        using var stream = rig.Hub.OpenStream();
        long id = stream.Create(Request("a"));
        rig.Keys.Put("a", "1");

        Assert.True(stream.Cancel(id));
        rig.Keys.Put("a", "2");

        var responses = new List<WatchResponse>();
        while (stream.TryRead(out var r)) responses.Add(r);
        Assert.Equal(3, responses.Count);
        Assert.True(responses[0].Created);
        Assert.Single(responses[1].Events);
        Assert.True(responses[2].Canceled);
        Assert.Equal(id, responses[2].WatchId);
        Assert.Equal("", responses[2].CancelReason);
        Assert.Equal(0, responses[2].CompactRevision);
        Assert.Equal(1, responses[2].Header.Revision);
        Assert.Equal(0, rig.Hub.SyncedCount);
    }

    [Fact]
    public void Cancel_of_unknown_id_queues_nothing()
    {
        using var rig = new WatchTestRig();
        using var stream = rig.Hub.OpenStream();

        Assert.False(stream.Cancel(5));
        Assert.False(stream.TryRead(out _));
    }

    [Fact]
    public void Canceled_id_can_be_reused()
    {
        using var rig = new WatchTestRig();
        using var stream = rig.Hub.OpenStream();
        stream.Create(Request("a", id: 9));
        stream.Cancel(9);

        Assert.Equal(9, stream.Create(Request("a", id: 9)));
    }

    [Fact]
    public void Handle_dispatches_each_request_kind()
    {
        using var rig = new WatchTestRig();
        using var stream = rig.Hub.OpenStream();

        stream.Handle(new WatchRequest { CreateRequest = Request("a") });
        stream.Handle(new WatchRequest { ProgressRequest = new WatchProgressRequest() });
        stream.Handle(new WatchRequest { CancelRequest = new WatchCancelRequest { WatchId = 0 } });
        stream.Handle(new WatchRequest());

        Assert.True(stream.TryRead(out var created) && created.Created);
        Assert.True(stream.TryRead(out var progress) && progress.WatchId == -1 && !progress.Canceled);
        Assert.True(stream.TryRead(out var canceled) && canceled.Canceled);
        Assert.False(stream.TryRead(out _));
    }

    [Fact]
    public async Task Disposed_hub_closes_its_streams_and_stops_catching_up()
    {
        var rig = new WatchTestRig();
        for (int i = 0; i < 5; i++) rig.Keys.Put("k", "v");
        var stream = rig.Hub.OpenStream();
        stream.Create(Request("k", start: 1));

        await rig.Hub.DisposeAsync();
        int reads = rig.Keys.ReadCalls;

        Assert.Throws<ObjectDisposedException>(() => rig.Hub.OpenStream());
        Assert.Throws<ObjectDisposedException>(() => stream.Create(Request("k")));
        while (stream.TryRead(out _)) { }
        Assert.False(await stream.WaitToReadAsync());
        await Task.Delay(150);
        Assert.Equal(reads, rig.Keys.ReadCalls);
    }

    [Fact]
    public void Null_requests_are_rejected_clearly()
    {
        using var rig = new WatchTestRig();
        using var stream = rig.Hub.OpenStream();

        Assert.Throws<ArgumentNullException>(() => stream.Create(null!));
        Assert.Throws<ArgumentNullException>(() => stream.Handle(null!));
        Assert.Throws<ArgumentNullException>(() => new FastKv.Mvcc.Watch.WatchHub(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new FastKv.Mvcc.Watch.WatchHub(rig.Keys, new FastKv.Mvcc.Watch.WatchHubOptions { StreamBufferLimit = 0 }));
    }

    [Fact]
    public async Task Disposed_stream_ends_its_reader_and_drops_its_watchers()
    {
        using var rig = new WatchTestRig();
        var stream = rig.Hub.OpenStream();
        stream.Create(Request("a"));
        stream.Create(Request("a", start: 1));
        stream.Dispose();

        Assert.Equal(0, rig.Hub.SyncedCount);
        Assert.Equal(0, rig.Hub.UnsyncedCount);
        Assert.Throws<ObjectDisposedException>(() => stream.Create(Request("a")));
        while (stream.TryRead(out _)) { }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        Assert.False(await stream.WaitToReadAsync(timeout.Token));
    }
}

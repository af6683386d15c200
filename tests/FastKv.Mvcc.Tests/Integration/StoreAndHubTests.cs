// The key space and the watch hub wired together as the server wires them: a watch that starts
// in the past is caught up from the store's history, then follows live writes.
using FastKv.Api.Etcdserverpb;
using FastKv.Mvcc.Kv;
using FastKv.Mvcc.Tests.Support;
using FastKv.Mvcc.Watch;
using Google.Protobuf;

namespace FastKv.Mvcc.Tests.Integration;

public sealed class StoreAndHubTests
{
    [Fact]
    public async Task A_watch_from_an_old_revision_replays_history_then_follows_live_writes()
    {
        using var temp = new TempBackend();
        using var kv = new KvStore(temp.Backend);
        using var hub = new WatchHub(kv);
        kv.WatchSink = hub;
        for (var i = 0; i < 3; i++)
            kv.Put(new PutRequest { Key = ByteString.CopyFromUtf8($"/h/{i}"), Value = ByteString.CopyFromUtf8($"v{i}") });
        temp.Backend.CommitIfDue();

        using var stream = hub.OpenStream();
        stream.Handle(new WatchRequest { CreateRequest = new WatchCreateRequest { Key = ByteString.CopyFromUtf8("/h/"), RangeEnd = ByteString.CopyFromUtf8("/h0"), StartRevision = 1 } });
        kv.Put(new PutRequest { Key = ByteString.CopyFromUtf8("/h/live"), Value = ByteString.CopyFromUtf8("now") });

        var keys = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            while (keys.Count < 4 && await stream.WaitToReadAsync(timeout.Token))
                while (stream.TryRead(out var response))
                    keys.AddRange(response.Events.Select(e => e.Kv.Key.ToStringUtf8()));
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"got {string.Join(",", keys)}; unsynced {hub.UnsyncedCount}, synced {hub.SyncedCount}, error {hub.LastCatchUpError}");
        }
        Assert.Equal(["/h/0", "/h/1", "/h/2", "/h/live"], keys);
        Assert.Null(hub.LastCatchUpError);
    }
}

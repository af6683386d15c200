// What the apply thread pays: Publish allocates only the one shared copy of a revision's events,
// however many watchers it feeds, and it never waits on the key space (so a key space that
// publishes while holding its own lock cannot deadlock with a catch-up reading history).
using FastKv.Mvcc.Watch;
using static FastKv.Mvcc.Tests.Watch.WatchTestRig;

namespace FastKv.Mvcc.Tests.Watch;

[Collection(AllocationMeasurement.Name)]
public sealed class WatchHubCostTests
{
    [Fact]
    public void Publish_to_a_thousand_watchers_allocates_only_the_shared_event_array()
    {
        using var rig = new WatchTestRig();
        var streams = Enumerable.Range(0, 1000).Select(_ => rig.Hub.OpenStream()).ToArray();
        for (int i = 0; i < streams.Length; i++)
            streams[i].Create(i % 2 == 0 ? Request("key") : Request("k", PrefixEnd("k")));
        var events = new[] { new FastKv.Api.Mvccpb.Event { Kv = new FastKv.Api.Mvccpb.KeyValue { Key = Google.Protobuf.ByteString.CopyFromUtf8("key"), ModRevision = 1 } } };
        long revision = 0;
        for (int warm = 0; warm < 50; warm++)
        {
            rig.Hub.Publish(++revision, events);
            foreach (var stream in streams) stream.DropQueued();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        rig.Hub.Publish(++revision, events);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        foreach (var stream in streams) Assert.Equal(1, stream.DropQueued());
        Assert.True(allocated <= 64, $"Publish allocated {allocated} bytes");
        foreach (var stream in streams) stream.Dispose();
    }

    [Fact]
    public async Task Key_space_publishing_under_its_own_lock_does_not_deadlock_with_catch_up()
    {
        using var rig = new WatchTestRig(new WatchHubOptions { StreamBufferLimit = 2, MaxRevisionsPerCatchUp = 5 });
        rig.Keys.PublishUnderLock = true;
        rig.Keys.ReadDelay = TimeSpan.FromMilliseconds(1);
        for (int i = 0; i < 50; i++) rig.Keys.Put("k", i.ToString());
        await using var log = new ResponseLog(rig.Hub.OpenStream());
        long id = log.Stream.Create(Request("k", start: 1));

        var writer = Task.Run(() =>
        {
            for (int i = 50; i < 400; i++) rig.Keys.Put("k", i.ToString());
        });
        await writer.WaitAsync(TimeSpan.FromSeconds(20));

        var responses = await log.WaitForEventsAsync(id, 400, timeoutMs: 20_000);
        WatchChecks.SameEvents(rig.Keys.Expected(_ => true, 1, 400), WatchChecks.EventsOf(responses, id), "under-lock publisher");
    }
}

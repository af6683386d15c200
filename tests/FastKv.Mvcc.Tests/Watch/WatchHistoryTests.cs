// Watches that start in the past: replay from history, compaction, resuming after a cancel.
using FastKv.Mvcc.Watch;
using static FastKv.Mvcc.Tests.Watch.WatchTestRig;

namespace FastKv.Mvcc.Tests.Watch;

public sealed class WatchHistoryTests
{
    [Fact]
    public async Task Past_start_replays_history_then_continues_live()
    {
        using var rig = new WatchTestRig();
        for (int i = 1; i <= 20; i++) rig.Keys.Put(i % 2 == 0 ? "k" : "other", i.ToString());
        await using var log = new ResponseLog(rig.Hub.OpenStream());

        long id = log.Stream.Create(Request("k", start: 5));
        await log.WaitForAsync(_ => rig.Hub.UnsyncedCount == 0, "catch-up");
        for (int i = 21; i <= 30; i++) rig.Keys.Put("k", i.ToString());

        var expected = rig.Keys.Expected(e => e.Kv.Key.ToStringUtf8() == "k", 5, long.MaxValue);
        var responses = await log.WaitForEventsAsync(id, expected.Count);
        WatchChecks.SameEvents(expected, WatchChecks.EventsOf(responses, id), "replay then live");
        WatchChecks.Atomic(responses, id);
        WatchChecks.Ordered(responses, id);
        Assert.True(responses[0].Created);
    }

    [Fact]
    public async Task Replay_batches_carry_whole_revisions()
    {
        using var rig = new WatchTestRig();
        for (int i = 1; i <= 50; i++) rig.Keys.Apply([("a/" + i, "x"), ("a/" + (i + 1000), "y"), ("b", "z")], []);
        await using var log = new ResponseLog(rig.Hub.OpenStream());

        long id = log.Stream.Create(Request("a/", PrefixEnd("a/"), start: 1));

        var responses = await log.WaitForEventsAsync(id, 100);
        WatchChecks.SameEvents(rig.Keys.Expected(e => e.Kv.Key.ToStringUtf8().StartsWith("a/"), 1, 50),
            WatchChecks.EventsOf(responses, id), "replay");
        WatchChecks.Atomic(responses, id);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(-1)]
    public void Start_at_or_below_the_compact_revision_is_canceled_with_it(long start)
    {
        using var rig = new WatchTestRig();
        for (int i = 1; i <= 10; i++) rig.Keys.Put("k", i.ToString());
        rig.Keys.Compact(5);
        using var stream = rig.Hub.OpenStream();

        long id = stream.Create(Request("k", start: start));

        Assert.True(stream.TryRead(out var created) && created.Created && !created.Canceled);
        Assert.True(stream.TryRead(out var canceled));
        Assert.Equal(id, canceled.WatchId);
        Assert.True(canceled.Canceled);
        Assert.Equal(5, canceled.CompactRevision);
        Assert.Equal(10, canceled.Header.Revision);
        Assert.Equal(0, rig.Hub.UnsyncedCount + rig.Hub.SyncedCount);
    }

    [Fact]
    public async Task Start_just_after_the_compact_revision_replays()
    {
        using var rig = new WatchTestRig();
        for (int i = 1; i <= 10; i++) rig.Keys.Put("k", i.ToString());
        rig.Keys.Compact(5);
        await using var log = new ResponseLog(rig.Hub.OpenStream());

        long id = log.Stream.Create(Request("k", start: 6));

        var responses = await log.WaitForEventsAsync(id, 5);
        Assert.Equal([6L, 7, 8, 9, 10], WatchChecks.EventsOf(responses, id).Select(e => e.Kv.ModRevision));
    }

    [Fact]
    public async Task Resuming_from_the_last_revision_plus_one_gives_exactly_the_rest()
    {
        using var rig = new WatchTestRig();
        await using var log = new ResponseLog(rig.Hub.OpenStream());
        long first = log.Stream.Create(Request("k", PrefixEnd("k")));
        for (int i = 1; i <= 10; i++) rig.Keys.Put("k" + (i % 3), i.ToString());
        var seen = WatchChecks.EventsOf(await log.WaitForEventsAsync(first, 4), first).Take(4).ToList();
        log.Stream.Cancel(first);
        for (int i = 11; i <= 20; i++) rig.Keys.Put("k" + (i % 3), i.ToString());

        long resumed = log.Stream.Create(Request("k", PrefixEnd("k"), start: seen[^1].Kv.ModRevision + 1));

        var expected = rig.Keys.Expected(e => true, 1, 20);
        var responses = await log.WaitForEventsAsync(resumed, expected.Count - 4);
        WatchChecks.SameEvents(expected, [.. seen, .. WatchChecks.EventsOf(responses, resumed)], "resumed");
    }

    [Fact]
    public async Task Watch_falling_behind_a_compaction_is_canceled_with_the_compact_revision()
    {
        using var rig = new WatchTestRig(new WatchHubOptions { StreamBufferLimit = 2 });
        using var stream = rig.Hub.OpenStream();
        long id = stream.Create(Request("k"));
        for (int i = 1; i <= 10; i++) rig.Keys.Put("k", i.ToString());
        Assert.Equal(1, rig.Hub.UnsyncedCount);
        rig.Keys.Compact(8);

        // Reading makes room; the catch-up then finds revision 3 gone.
        var responses = new List<FastKv.Api.Etcdserverpb.WatchResponse>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!responses.Any(r => r.Canceled) && DateTime.UtcNow < deadline)
        {
            while (stream.TryRead(out var r)) responses.Add(r);
            await Task.Delay(5);
        }

        var canceled = Assert.Single(responses, r => r.Canceled);
        Assert.Equal(id, canceled.WatchId);
        Assert.Equal(8, canceled.CompactRevision);
        Assert.Equal([1L, 2], WatchChecks.EventsOf(responses, id).Select(e => e.Kv.ModRevision));
        Assert.Equal(0, rig.Hub.UnsyncedCount);
    }
}

// Bookmarks: progress requests and periodic progress notifications.
using FastKv.Mvcc.Watch;
using static FastKv.Mvcc.Tests.Watch.WatchTestRig;

namespace FastKv.Mvcc.Tests.Watch;

public sealed class WatchProgressTests
{
    [Fact]
    public void Progress_request_on_a_synced_stream_answers_the_current_revision_with_id_minus_one()
    {
        using var rig = new WatchTestRig();
        using var stream = rig.Hub.OpenStream();
        stream.Create(Request("k"));
        rig.Keys.Put("other", "1");
        rig.Keys.Put("k", "2");

        stream.RequestProgress();

        var responses = new List<FastKv.Api.Etcdserverpb.WatchResponse>();
        while (stream.TryRead(out var r)) responses.Add(r);
        var progress = responses[^1];
        Assert.Equal(-1, progress.WatchId);
        Assert.Empty(progress.Events);
        Assert.False(progress.Created || progress.Canceled);
        Assert.Equal(2, progress.Header.Revision);
        Assert.Equal(2, responses[^2].Events[0].Kv.ModRevision);
    }

    [Fact]
    public void Progress_request_on_a_stream_without_watches_answers_at_once()
    {
        using var rig = new WatchTestRig();
        rig.Keys.Put("a", "1");
        using var stream = rig.Hub.OpenStream();

        stream.RequestProgress();

        Assert.True(stream.TryRead(out var progress));
        Assert.Equal(1, progress.Header.Revision);
    }

    [Fact]
    public async Task Progress_request_waits_until_a_catching_up_watch_has_everything()
    {
        using var rig = new WatchTestRig(new WatchHubOptions { StreamBufferLimit = 1 });
        using var stream = rig.Hub.OpenStream();
        long id = stream.Create(Request("k"));
        for (int i = 1; i <= 5; i++) rig.Keys.Put("k", i.ToString());
        Assert.Equal(1, rig.Hub.UnsyncedCount);

        stream.RequestProgress();

        var responses = new List<FastKv.Api.Etcdserverpb.WatchResponse>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!responses.Any(r => r.WatchId == -1) && DateTime.UtcNow < deadline)
        {
            while (stream.TryRead(out var r)) responses.Add(r);
            await Task.Delay(5);
        }
        int at = responses.FindIndex(r => r.WatchId == -1);
        Assert.True(at >= 0, "no progress response");
        Assert.Equal(5, responses[at].Header.Revision);
        // Everything up to the bookmark came before it.
        Assert.Equal([1L, 2, 3, 4, 5], WatchChecks.EventsOf(responses.Take(at), id).Select(e => e.Kv.ModRevision));
    }

    [Fact]
    public async Task Progress_notify_reports_idle_synced_watches_only()
    {
        using var rig = new WatchTestRig(new WatchHubOptions { ProgressNotifyInterval = TimeSpan.FromMilliseconds(30) });
        rig.Keys.Put("x", "1");
        await using var log = new ResponseLog(rig.Hub.OpenStream());
        long notified = log.Stream.Create(Request("k", progressNotify: true));
        long quiet = log.Stream.Create(Request("j"));

        var responses = await log.WaitForAsync(r => r.Count(x => x.WatchId == notified && x.Events.Count == 0 && !x.Created) >= 2,
            "two progress notifications");

        var progress = responses.Where(x => x.WatchId == notified && !x.Created).ToList();
        Assert.All(progress, p => Assert.Equal(1, p.Header.Revision));
        Assert.DoesNotContain(responses, x => x.WatchId == quiet && !x.Created);
    }

    [Fact]
    public void Progress_notify_is_skipped_for_a_watch_that_got_events_since_the_last_tick()
    {
        // The interval is left at its default (minutes), so only the ticks this test drives happen.
        using var rig = new WatchTestRig();
        using var stream = rig.Hub.OpenStream();
        long id = stream.Create(Request("k", progressNotify: true));
        var responses = new List<FastKv.Api.Etcdserverpb.WatchResponse>();
        void Drain() { while (stream.TryRead(out var r)) responses.Add(r); }
        int ProgressCount() => responses.Count(x => x.WatchId == id && x.Events.Count == 0 && !x.Created);

        for (int i = 0; i < 20; i++)
        {
            rig.Keys.Put("k", "v");
            rig.Hub.NotifyProgress();
        }
        Drain();
        Assert.Equal(20, WatchChecks.EventsOf(responses, id).Count);
        Assert.Equal(0, ProgressCount());

        // Each busy tick cleared the flag its event set; with nothing since, the next tick reports.
        rig.Hub.NotifyProgress();
        Drain();
        Assert.Equal(1, ProgressCount());
        Assert.Equal(20, responses[^1].Header.Revision);
    }
}

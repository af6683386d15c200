// The watch guarantees (ordered, unique, atomic, reliable, bookmarkable) over random workloads,
// one seed per interleaving of writes, compactions, creates, cancels, progress requests and
// reads; slow readers make watches fall behind and catch up from history.
using FastKv.Mvcc.Watch;
using static FastKv.Mvcc.Tests.Watch.WatchTestRig;

namespace FastKv.Mvcc.Tests.Watch;

public sealed class WatchGuaranteeTests
{
    [Fact]
    public async Task Random_workloads_deliver_exactly_the_models_events()
    {
        var stop = DateTime.UtcNow.AddSeconds(12);
        for (int seed = 1; seed <= 60 && DateTime.UtcNow < stop; seed++)
        {
            var random = new Random(seed);
            using var scenario = new WatchScenario(seed, bufferLimit: random.Next(1, 6));
            int streams = random.Next(1, 4);
            for (int i = 0; i < streams; i++) scenario.Open();
            int steps = random.Next(40, 160);
            for (int step = 0; step < steps; step++)
            {
                var client = scenario.Clients[random.Next(streams)];
                int roll = random.Next(100);
                if (roll < 50) scenario.Write(random);
                else if (roll < 65) scenario.CreateWatch(client, scenario.RandomSpec(random));
                else if (roll < 80) client.ReadSome(random.Next(1, 6));
                else if (roll < 84) scenario.Compact(random);
                else if (roll < 90 && client.Specs.Count > 0)
                    client.Stream.Cancel(client.Specs.Keys.ElementAt(random.Next(client.Specs.Count)));
                else if (roll < 95) client.Stream.RequestProgress();
                else if (roll < 97) await Task.Delay(random.Next(0, 15));
            }
            await scenario.DrainAndCheckAsync();
        }
    }

    [Fact]
    public async Task Slow_stream_does_not_hold_up_publish_or_other_streams_and_catches_up_completely()
    {
        using var rig = new WatchTestRig(new WatchHubOptions { StreamBufferLimit = 4 });
        var slow = rig.Hub.OpenStream();
        long slowId = slow.Create(Request("k", PrefixEnd("k")));
        await using var fast = new ResponseLog(rig.Hub.OpenStream());
        long fastId = fast.Stream.Create(Request("k", PrefixEnd("k")));

        var writer = Task.Run(() =>
        {
            for (int i = 1; i <= 500; i++) rig.Keys.Apply([("k" + (i % 7), i.ToString()), ("k" + (i % 7 + 10), "x")], []);
        });
        await writer.WaitAsync(TimeSpan.FromSeconds(20));

        var expected = rig.Keys.Expected(_ => true, 1, 500);
        var fastResponses = await fast.WaitForEventsAsync(fastId, expected.Count);
        WatchChecks.SameEvents(expected, WatchChecks.EventsOf(fastResponses, fastId), "fast stream");
        Assert.True(rig.Hub.UnsyncedCount == 1, "the slow watch should be waiting for its reader");

        // The slow client finally reads: everything arrives, once, in order, whole revisions.
        await using var slowLog = new ResponseLog(slow);
        var slowResponses = await slowLog.WaitForEventsAsync(slowId, expected.Count);
        WatchChecks.SameEvents(expected, WatchChecks.EventsOf(slowResponses, slowId), "slow stream");
        WatchChecks.Atomic(slowResponses, slowId);
        WatchChecks.Ordered(slowResponses, slowId);
        await slowLog.WaitForAsync(_ => rig.Hub.UnsyncedCount == 0, "slow watch back in sync");

        rig.Keys.Put("k1", "live");
        var live = await slowLog.WaitForEventsAsync(slowId, expected.Count + 1);
        Assert.Equal("live", WatchChecks.EventsOf(live, slowId)[^1].Kv.Value.ToStringUtf8());
        slow.Dispose();
    }
}

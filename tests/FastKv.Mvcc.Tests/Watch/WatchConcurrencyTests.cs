// Races between the apply thread (Publish), clients creating and canceling watches, compaction,
// catch-up and readers that stall: with all of them running at once, every watch still gets
// exactly its events. Seeds pick the mix; each run is bounded in time.
namespace FastKv.Mvcc.Tests.Watch;

public sealed class WatchConcurrencyTests
{
    [Theory]
    [InlineData(101, 1)]
    [InlineData(202, 3)]
    [InlineData(303, 8)]
    [InlineData(404, 64)]
    public async Task Concurrent_publish_create_cancel_compact_and_slow_reads_lose_and_repeat_nothing(int seed, int bufferLimit)
    {
        using var scenario = new WatchScenario(seed, bufferLimit);
        // Slow history reads widen the window in which Publish races a catch-up.
        scenario.Rig.Keys.ReadDelay = TimeSpan.FromMilliseconds(1);
        const int streams = 3;
        for (int i = 0; i < streams; i++) scenario.Open();
        // At least 1.5 s of racing, and on a loaded machine long enough for the clients to have
        // created a fair number of watches (a fixed 1.5 s left too few on a busy CI run); at most 15 s.
        int totalCreates = 0;
        using var stop = new CancellationTokenSource();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var monitor = Task.Run(async () =>
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(15)
                && (clock.Elapsed < TimeSpan.FromMilliseconds(1500) || Volatile.Read(ref totalCreates) < 60))
                await Task.Delay(20);
            stop.Cancel();
        });

        var writer = Task.Run(async () =>
        {
            var random = new Random(seed);
            int writes = 0;
            while (!stop.IsCancellationRequested && writes < 5000)
            {
                scenario.Write(random);
                writes++;
                if (random.Next(200) == 0) scenario.Compact(random);
                if (random.Next(50) == 0) await Task.Yield();
            }
        });

        var clients = scenario.Clients.Select((client, index) => Task.Run(async () =>
        {
            var random = new Random(seed * 31 + index);
            int creates = 0;
            while (!stop.IsCancellationRequested)
            {
                int roll = random.Next(10);
                if (roll < 6 && creates < 40)
                {
                    scenario.CreateWatch(client, scenario.RandomSpec(random));
                    creates++;
                    Interlocked.Increment(ref totalCreates);
                }
                else if (roll < 8 && client.Specs.Count > 0)
                {
                    client.Stream.Cancel(client.Specs.Keys.ElementAt(random.Next(client.Specs.Count)));
                }
                else
                {
                    client.Stream.RequestProgress();
                }
                await Task.Delay(random.Next(0, 20));
            }
        })).ToArray();

        var readers = scenario.Clients.Select((client, index) => Task.Run(async () =>
        {
            var random = new Random(seed * 17 + index);
            while (!stop.IsCancellationRequested)
            {
                client.ReadSome(random.Next(1, 20));
                // Now and then a reader stalls long enough for its stream to fill.
                await Task.Delay(random.Next(10) == 0 ? random.Next(50, 200) : random.Next(0, 3));
            }
        })).ToArray();

        await Task.WhenAll([monitor, writer, .. clients, .. readers]).WaitAsync(TimeSpan.FromSeconds(45));
        Assert.True(scenario.Clients.Sum(c => c.Specs.Count) > 10);
        await scenario.DrainAndCheckAsync();
    }
}

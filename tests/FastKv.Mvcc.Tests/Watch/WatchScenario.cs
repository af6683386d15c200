// A randomized workload against a hub: writes, compactions, watches created on several streams
// with random ranges, filters and start revisions, cancels, progress requests, and readers that
// keep up or fall behind. Used both sequentially (one seed = one interleaving) and with
// concurrent writer, client and reader tasks.
using FastKv.Api.Etcdserverpb;
using FastKv.Mvcc.Watch;

namespace FastKv.Mvcc.Tests.Watch;

internal sealed class WatchScenario : IDisposable
{
    private static readonly string[] KeyPool = ["a", "a/1", "a/2", "a/3", "b", "b/1", "c"];
    private static readonly (string Key, string? End)[] RangePool =
    [
        ("a", null), ("a/1", null), ("b", null), ("a/", "a0"), ("b", "c"), ("", "\0"), ("a/2", "\0"), ("a/1", "a/3"),
    ];

    public WatchScenario(int seed, int bufferLimit)
    {
        Seed = seed;
        Rig = new WatchTestRig(new WatchHubOptions
        {
            StreamBufferLimit = bufferLimit,
            CatchUpInterval = TimeSpan.FromMilliseconds(10),
            // Small, so long catch-ups take several rounds while Publish goes on.
            MaxRevisionsPerCatchUp = 7,
        });
    }

    public int Seed { get; }
    public WatchTestRig Rig { get; }
    public List<Client> Clients { get; } = [];

    public sealed class Client(WatchStream stream)
    {
        public WatchStream Stream { get; } = stream;
        public List<WatchResponse> Responses { get; } = [];
        public Dictionary<long, WatchSpec> Specs { get; } = [];

        public int ReadSome(int max)
        {
            int n = 0;
            while (n < max && Stream.TryRead(out var response))
            {
                Responses.Add(response);
                n++;
            }
            return n;
        }
    }

    public Client Open()
    {
        var client = new Client(Rig.Hub.OpenStream());
        Clients.Add(client);
        return client;
    }

    public void Write(Random random)
    {
        int count = random.Next(1, 4);
        var keys = KeyPool.OrderBy(_ => random.Next()).Take(count).ToList();
        var puts = new List<(string, string)>();
        var deletes = new List<string>();
        foreach (var key in keys)
        {
            if (random.Next(4) == 0) deletes.Add(key);
            else puts.Add((key, random.Next(1000).ToString()));
        }
        Rig.Keys.Apply(puts, deletes);
    }

    public WatchSpec RandomSpec(Random random)
    {
        var (key, end) = RangePool[random.Next(RangePool.Length)];
        long current = Rig.Keys.CurrentRevision;
        long compacted = Rig.Keys.CompactRevision;
        long start = random.Next(4) switch
        {
            0 => 0,
            1 => current + random.Next(1, 3),
            _ => random.Next((int)Math.Max(1, compacted - 2), (int)current + 2),
        };
        int filter = random.Next(6);
        return new WatchSpec(key, end, start, filter == 0, filter == 1);
    }

    public void CreateWatch(Client client, WatchSpec spec)
    {
        long id = client.Stream.Create(spec.ToRequest());
        Assert.True(id >= 0, $"seed {Seed}: create refused");
        client.Specs[id] = spec;
    }

    public void Compact(Random random)
    {
        long current = Rig.Keys.CurrentRevision;
        long compacted = Rig.Keys.CompactRevision;
        if (current - compacted > 3) Rig.Keys.Compact(compacted + random.Next(1, (int)(current - compacted) - 1));
    }

    /// <summary>Reads every stream until every watch is complete, then checks them all.</summary>
    public async Task DrainAndCheckAsync(int timeoutMs = 20_000)
    {
        long final = Rig.Keys.CurrentRevision;
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (true)
        {
            foreach (var client in Clients) client.ReadSome(int.MaxValue);
            if (Clients.All(c => StreamChecks.Complete(Rig.Keys, c.Responses, c.Specs, final)) && Rig.Hub.UnsyncedCount == 0)
                break;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"seed {Seed}: watches not complete; unsynced {Rig.Hub.UnsyncedCount}, catch-up error {Rig.Hub.LastCatchUpError}");
            await Task.Delay(2);
        }
        // Anything queued after completion (progress answers) still belongs to the record.
        foreach (var client in Clients) client.ReadSome(int.MaxValue);
        for (int i = 0; i < Clients.Count; i++)
            if (Environment.GetEnvironmentVariable("WATCH_DUMP") is not null)
                File.WriteAllLines($"/tmp/watchdump-{Seed}-{i}.txt", Clients[i].Responses.Select(r => r.ToString())
                    .Concat(Clients[i].Specs.Select(kv => $"spec {kv.Key}: {kv.Value}")));
        for (int i = 0; i < Clients.Count; i++)
            StreamChecks.Check(Rig.Keys, Clients[i].Responses, Clients[i].Specs, final, $"seed {Seed}, stream {i}");
    }

    public void Dispose()
    {
        foreach (var client in Clients) client.Stream.Dispose();
        Rig.Dispose();
    }
}

// Runs the deterministic fault simulator over many seeds. Environment variables:
//   FASTKV_SIM_SEED=n       replay one seed with its full log (ReplaySeed)
//   FASTKV_SIM_SEEDS=n      how many seeds ManySeeds runs (default 2000; long mode: any number)
//   FASTKV_SIM_START=n      first seed (default 1)
//   FASTKV_SIM_STEPS=n      steps per seed (default 2000)
using System.Collections.Concurrent;
using System.Diagnostics;
using FastKv.Raft.Tests.Simulation;
using Xunit.Abstractions;

namespace FastKv.Raft.Tests;

public sealed class SimulatorTests(ITestOutputHelper output)
{
    private static int EnvInt(string name, int dflt) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var v) ? v : dflt;

    private static string ReplayCommand(ulong seed, int steps) =>
        $"FASTKV_SIM_SEED={seed} FASTKV_SIM_STEPS={steps} dotnet test tests/FastKv.Raft.Tests -c Release --filter FullyQualifiedName~SimulatorTests.ReplaySeed --logger \"console;verbosity=detailed\"";

    public static (Cluster Cluster, Exception? Error) RunSeed(ulong seed, int steps, bool echo = false)
    {
        var options = SimOptions.FromSeed(seed, steps);
        var cluster = new Cluster(seed, options, echo);
        try
        {
            cluster.Run();
            return (cluster, null);
        }
        catch (Exception ex)
        {
            return (cluster, ex);
        }
    }

    [Fact]
    public void ManySeeds()
    {
        int seeds = EnvInt("FASTKV_SIM_SEEDS", 2000);
        int start = EnvInt("FASTKV_SIM_START", 1);
        int steps = EnvInt("FASTKV_SIM_STEPS", 2000);
        var failures = new ConcurrentBag<string>();
        long applied = 0, reads = 0, confs = 0, snaps = 0, crashes = 0;
        var sw = Stopwatch.StartNew();
        Parallel.For(0, seeds, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var seed = (ulong)(start + i);
            var (c, err) = RunSeed(seed, steps);
            Interlocked.Add(ref applied, c.Invariants.AppliedCount);
            Interlocked.Add(ref reads, c.ReadsServed);
            Interlocked.Add(ref confs, c.ConfChangesApplied);
            Interlocked.Add(ref snaps, c.SnapshotsRestored);
            Interlocked.Add(ref crashes, c.Crashes);
            if (err is not null)
            {
                failures.Add($"seed {seed} FAILED at t={c.Now}: {err.GetType().Name}: {err.Message}\n  options: {c.Options}\n  replay: {ReplayCommand(seed, steps)}");
            }
        });
        output.WriteLine($"{seeds} seeds x {steps} steps in {sw.Elapsed.TotalSeconds:F1}s: {applied} entries applied (cluster-wide), {reads} reads served, {confs} conf changes applied, {snaps} snapshots restored, {crashes} crashes");
        if (!failures.IsEmpty)
        {
            var list = failures.OrderBy(f => f).ToList();
            Assert.Fail($"{list.Count} of {seeds} seeds failed:\n" + string.Join("\n", list.Take(10)));
        }
    }

    [Fact]
    public void ReplaySeed()
    {
        var env = Environment.GetEnvironmentVariable("FASTKV_SIM_SEED");
        var seed = ulong.TryParse(env, out var s) ? s : 42UL;
        int steps = EnvInt("FASTKV_SIM_STEPS", 2000);
        var (c, err) = RunSeed(seed, steps, echo: env is not null);
        output.WriteLine($"seed {seed}: {c.Options}");
        output.WriteLine(c.Describe());
        if (err is not null) Assert.Fail($"seed {seed} failed at t={c.Now}: {err}\nreplay: {ReplayCommand(seed, steps)}");
    }

    [Fact]
    public void SameSeedReplaysIdentically()
    {
        var (a, ea) = RunSeed(7, 600);
        var (b, eb) = RunSeed(7, 600);
        Assert.Null(ea);
        Assert.Null(eb);
        Assert.Equal(a.Describe(), b.Describe());
        Assert.Equal(a.Invariants.AppliedCount, b.Invariants.AppliedCount);
    }
}

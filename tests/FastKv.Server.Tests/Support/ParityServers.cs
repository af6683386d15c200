// One FastKv and one real etcd 3.4 side by side, started the same way, so a test can run an
// etcdctl command against both and require the same output. Outputs are compared after
// replacing what legitimately differs (lease IDs, which both servers pick at random, and
// timings); member and cluster IDs are not replaced: both servers derive them from the same
// initial cluster, so they must match.
using System.Text.RegularExpressions;

namespace FastKv.Server.Tests.Support;

public sealed partial class ParityServers : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private MemberProcess? _fastkv;
    private MemberProcess? _etcd;

    internal MemberProcess FastKv => _fastkv ?? throw new InvalidOperationException("not started");
    internal MemberProcess Etcd => _etcd ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        Assert.True(Etcdctl.Available, "etcdctl is missing: apt-get install etcd-client (.ci/run does)");
        Assert.True(MemberProcess.EtcdAvailable, "etcd is missing: apt-get install etcd-server (.ci/run does)");
        var fastkv = MemberProcess.StartFastKvAsync(_dir.Sub("fastkv"));
        var etcd = MemberProcess.StartEtcdAsync(_dir.Sub("etcd"));
        _fastkv = await fastkv.ConfigureAwait(false);
        _etcd = await etcd.ConfigureAwait(false);
    }

    public Task DisposeAsync()
    {
        _fastkv?.Dispose();
        _etcd?.Dispose();
        _dir.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Runs the command on both servers and asserts equal (normalized) output and exit code.</summary>
    internal async Task<(EtcdctlResult FastKv, EtcdctlResult Etcd)> SameAsync(string[] args, string? stdin = null, bool leases = false)
    {
        var etcd = await Etcdctl.RunAsync(Etcd.Endpoint, args, stdin).ConfigureAwait(false);
        var fastkv = await Etcdctl.RunAsync(FastKv.Endpoint, args, stdin).ConfigureAwait(false);
        var command = "etcdctl " + string.Join(' ', args);
        Assert.True(etcd.ExitCode == fastkv.ExitCode,
            $"{command}: exit code {fastkv.ExitCode}, etcd {etcd.ExitCode}\nfastkv: {fastkv.Output}\netcd: {etcd.Output}");
        Assert.Equal(Normalize(etcd.Stdout, Etcd.Endpoint, leases), Normalize(fastkv.Stdout, FastKv.Endpoint, leases));
        Assert.Equal(Normalize(etcd.Stderr, Etcd.Endpoint, leases), Normalize(fastkv.Stderr, FastKv.Endpoint, leases));
        return (fastkv, etcd);
    }

    /// <summary>
    /// Starts the same long-running etcdctl (watch, lease keep-alive) on both servers, runs
    /// <paramref name="during"/>, lets output settle, stops both and compares what they printed.
    /// </summary>
    /// <remarks>
    /// With <paramref name="interleaved"/>, only the lines printed are compared, not their order:
    /// etcdctl prints each watch of an interactive session from its own goroutine, one line at a
    /// time, so two watches seeing one event interleave their lines differently from run to run.
    /// </remarks>
    internal async Task<string> SameStreamAsync(string[] args, Func<Task> during, string? stdin = null, bool leases = false, bool interleaved = false)
    {
        using var etcd = Etcdctl.StartLongRunning(Etcd.Endpoint, args);
        using var fastkv = Etcdctl.StartLongRunning(FastKv.Endpoint, args);
        var etcdOut = etcd.StandardOutput.ReadToEndAsync();
        var fastkvOut = fastkv.StandardOutput.ReadToEndAsync();
        var etcdErr = etcd.StandardError.ReadToEndAsync();
        var fastkvErr = fastkv.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await etcd.StandardInput.WriteAsync(stdin).ConfigureAwait(false);
            await fastkv.StandardInput.WriteAsync(stdin).ConfigureAwait(false);
            await etcd.StandardInput.FlushAsync().ConfigureAwait(false);
            await fastkv.StandardInput.FlushAsync().ConfigureAwait(false);
        }
        // The watch must be registered before the writes it should see; etcdctl prints nothing
        // when it is, so allow a loaded CI machine a generous start.
        await Task.Delay(2500).ConfigureAwait(false);
        await during().ConfigureAwait(false);
        await Task.Delay(2000).ConfigureAwait(false);
        foreach (var p in new[] { etcd, fastkv })
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync().ConfigureAwait(false);
        }
        var expected = Normalize(await etcdOut.ConfigureAwait(false), Etcd.Endpoint, leases);
        var actual = Normalize(await fastkvOut.ConfigureAwait(false), FastKv.Endpoint, leases);
        if (interleaved)
        {
            expected = SortedLines(expected);
            actual = SortedLines(actual);
        }
        Assert.True(expected == actual,
            $"etcdctl {string.Join(' ', args)}\n--- etcd:\n{expected}\n{await etcdErr.ConfigureAwait(false)}\n--- fastkv:\n{actual}\n{await fastkvErr.ConfigureAwait(false)}");
        return actual;
    }

    private static string SortedLines(string output) =>
        string.Join('\n', output.Split('\n').Order(StringComparer.Ordinal));

    internal static string Normalize(string output, string endpoint, bool leases)
    {
        output = output.Replace(endpoint, "<endpoint>", StringComparison.Ordinal);
        output = Took().Replace(output, "took = <t>");
        output = LogTimestamp().Replace(output, "\"ts\":\"<ts>\"");
        output = ClientId().Replace(output, "endpoint://client-<uuid>");
        if (leases)
        {
            output = LeaseHex().Replace(output, "lease <id>");
            output = LeaseJson().Replace(output, "\"${k}\":<id>");
        }
        return output;
    }

    [GeneratedRegex(@"took = [0-9.]+[µnm]?s")]
    private static partial Regex Took();

    [GeneratedRegex("\"ts\":\"[^\"]*\"")]
    private static partial Regex LogTimestamp();

    [GeneratedRegex(@"endpoint://client-[0-9a-f-]+")]
    private static partial Regex ClientId();

    [GeneratedRegex(@"lease [0-9a-f]{1,16}\b")]
    private static partial Regex LeaseHex();

    [GeneratedRegex("\"(?<k>ID|id|lease)\":[0-9]+")]
    private static partial Regex LeaseJson();
}

// Runs the real etcdctl (etcd 3.4, a grpc-go client) against a test server, bounded in time and
// always reaped.
using System.Diagnostics;
using System.Text;

namespace FastKv.Grpc.Tests;

internal static class Etcdctl
{
    public const string Path = "/usr/bin/etcdctl";

    public static bool Available => File.Exists(Path);

    public static ProcessStartInfo StartInfo(Uri endpoint, params string[] args)
    {
        var info = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["ETCDCTL_API"] = "3";
        info.ArgumentList.Add($"--endpoints={endpoint.GetLeftPart(UriPartial.Authority)}");
        info.ArgumentList.Add("--dial-timeout=5s");
        info.ArgumentList.Add("--command-timeout=10s");
        foreach (var arg in args) info.ArgumentList.Add(arg);
        return info;
    }

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(Uri endpoint, params string[] args)
    {
        using var process = Process.Start(StartInfo(endpoint, args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"etcdctl {string.Join(' ', args)} did not finish in 30 s");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Reads lines from a running process until one satisfies the predicate, bounded in time.</summary>
    public static async Task<string> ReadUntilAsync(Process process, Func<string, bool> predicate, TimeSpan bound)
    {
        using var cts = new CancellationTokenSource(bound);
        var seen = new StringBuilder();
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(cts.Token)
                ?? throw new InvalidOperationException($"etcdctl exited; output so far: {seen}; stderr: {await process.StandardError.ReadToEndAsync(cts.Token)}");
            seen.AppendLine(line);
            if (predicate(line)) return seen.ToString();
        }
    }
}

// Runs the real etcdctl (Debian's etcd-client, 3.4) against an endpoint, with a time limit.
using System.Diagnostics;

namespace FastKv.Server.Tests.Support;

internal readonly record struct EtcdctlResult(int ExitCode, string Stdout, string Stderr)
{
    public string Output => Stdout + Stderr;
}

internal static class Etcdctl
{
    public const string Binary = "/usr/bin/etcdctl";

    public static bool Available => File.Exists(Binary);

    private static ProcessStartInfo StartInfo(string endpoint, IEnumerable<string> args, bool commandTimeout)
    {
        var start = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.Environment["ETCDCTL_API"] = "3";
        start.ArgumentList.Add($"--endpoints={endpoint}");
        if (commandTimeout) start.ArgumentList.Add("--command-timeout=10s");
        foreach (var a in args) start.ArgumentList.Add(a);
        return start;
    }

    public static async Task<EtcdctlResult> RunAsync(string endpoint, IEnumerable<string> args, string? stdin = null, TimeSpan? limit = null)
    {
        var (result, _) = await TimedProcess.RunAsync(StartInfo(endpoint, args, commandTimeout: true), stdin, limit ?? TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        return result;
    }

    public static Task<EtcdctlResult> RunAsync(string endpoint, params string[] args) => RunAsync(endpoint, args, null);

    /// <summary>Starts a long-running etcdctl (watch, lease keep-alive) whose output is collected until it is stopped.</summary>
    public static Process StartLongRunning(string endpoint, IEnumerable<string> args) =>
        Process.Start(StartInfo(endpoint, args, commandTimeout: false))!;
}

// Runs a command-line tool to its end with its output collected, killing it if it overruns its limit.
using System.Diagnostics;

namespace FastKv.Server.Tests.Support;

internal static class TimedProcess
{
    /// <summary>The tool's exit code and output; <c>TimedOut</c> when it had to be killed.</summary>
    public static async Task<(EtcdctlResult Result, bool TimedOut)> RunAsync(ProcessStartInfo start, string? stdin, TimeSpan limit)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        start.UseShellExecute = false;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin).ConfigureAwait(false);
        process.StandardInput.Close();
        var timedOut = false;
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().ConfigureAwait(false);
        }
        return (new EtcdctlResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false)), timedOut);
    }
}

// Runs the built fastkvutl as a separate process (as an operator would) and captures its exit code
// and output, so the tests see the real argument parsing and exit-code mapping.
using System.Diagnostics;

namespace FastKv.Bolt.Tests.Tool;

internal sealed record ToolResult(int ExitCode, string Stdout, string Stderr)
{
    public string All => Stdout + Stderr;
}

internal static class ToolProcess
{
    private static readonly string ToolDll = Path.Combine(AppContext.BaseDirectory, "fastkvutl.dll");

    public static ToolResult Run(params string[] args)
    {
        Assert.True(File.Exists(ToolDll), $"fastkvutl.dll not next to the tests at {ToolDll}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(ToolDll);
        foreach (string arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"fastkvutl {string.Join(' ', args)} did not finish in 120 s");
        }
        return new ToolResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}

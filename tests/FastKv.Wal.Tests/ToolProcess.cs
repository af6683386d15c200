// Runs a sibling executable built by this solution (the crash child, fastkvutl) through the dotnet host,
// with a time limit, capturing its output.
using System.Diagnostics;

namespace FastKv.Wal.Tests;

internal static class ToolProcess
{
    /// <summary>Path of <paramref name="assembly"/>.dll built by the project in <paramref name="projectDir"/> (same configuration as the tests).</summary>
    public static string BuiltDll(string projectDir, string assembly)
    {
        string path = Path.Combine(RepositoryPaths.BuiltOutput(Path.Combine("tests", "FastKv.Wal.Tests"), projectDir), assembly + ".dll");
        Assert.True(File.Exists(path), $"{assembly} not built at {path}");
        return path;
    }

    public static ProcessStartInfo StartInfo(string dll, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var a in args)
            start.ArgumentList.Add(a);
        return start;
    }

    public static (int ExitCode, string Stdout, string Stderr) Run(string dll, TimeSpan limit, params string[] args)
    {
        using var process = Process.Start(StartInfo(dll, args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill();
            process.WaitForExit();
            Assert.Fail($"{Path.GetFileName(dll)} {string.Join(' ', args)} did not finish within {limit}");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}

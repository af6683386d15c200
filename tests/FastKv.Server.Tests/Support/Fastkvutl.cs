// Runs the fastkvutl built beside these tests (same configuration), with a time limit.
using System.Diagnostics;

namespace FastKv.Server.Tests.Support;

internal static class Fastkvutl
{
    public static string Dll()
    {
        var path = Path.Combine(RepositoryPaths.BuiltOutput(Path.Combine("tests", "FastKv.Server.Tests"), Path.Combine("tools", "fastkvutl")), "fastkvutl.dll");
        Assert.True(File.Exists(path), $"fastkvutl not built at {path}");
        return path;
    }

    public static async Task<EtcdctlResult> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet");
        start.ArgumentList.Add(Dll());
        foreach (var a in args) start.ArgumentList.Add(a);
        var (result, timedOut) = await TimedProcess.RunAsync(start, stdin: null, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        if (timedOut) Assert.Fail($"fastkvutl {string.Join(' ', args)} did not finish within 60 s");
        return result;
    }
}

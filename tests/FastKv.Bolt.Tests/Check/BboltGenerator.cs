// Builds and runs bboltgen (Check/bboltgen/main.go) against Debian's bbolt source: files written
// by the reference implementation for the checker to accept. Needs golang-go and
// golang-github-coreos-bbolt-dev, which .ci/run installs for the compatibility tests.
using System.Diagnostics;

namespace FastKv.Bolt.Tests.Check;

internal static class BboltGenerator
{
    private static readonly Lazy<string> Binary = new(Build);

    public static string Write(string file, int seed, bool persistFreelist)
    {
        var (code, output) = Run(Binary.Value, [file, seed.ToString(), persistFreelist ? "persist" : "nofreelistsync"], new());
        if (code != 0 || output != "ok") throw new InvalidOperationException($"bboltgen failed ({code}): {output}");
        return file;
    }

    private static string Build()
    {
        const string BboltSource = "/usr/share/gocode/src/go.etcd.io/bbolt";
        if (!Directory.Exists(BboltSource))
            throw new InvalidOperationException("the reference bbolt is missing: apt-get install -y golang-go golang-github-coreos-bbolt-dev (.ci/run does this)");
        string source = Path.Combine(AppContext.BaseDirectory, "Check", "bboltgen", "main.go");
        string output = Path.Combine(Path.GetTempPath(), $"fastkv-bboltgen-{Environment.ProcessId}");
        var (code, text) = Run("go", ["build", "-o", output, source], new()
        {
            ["GO111MODULE"] = "off",
            ["GOPATH"] = $"{Path.GetTempPath()}fastkv-gopath:/usr/share/gocode",
            ["GOCACHE"] = Path.Combine(Path.GetTempPath(), "fastkv-gocache"),
        });
        if (code != 0) throw new InvalidOperationException($"go build of bboltgen failed: {text}");
        return output;
    }

    private static (int, string) Run(string exe, string[] args, Dictionary<string, string> env)
    {
        var start = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        foreach (var (k, v) in env) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(180_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{exe} did not finish in 180 s");
        }
        return (process.ExitCode, (stdout.Result + stderr.Result).Trim());
    }
}

// Builds one of the tests' Go programs against Debian's bbolt source (GOPATH mode, no network) and
// runs it with a time limit. .ci/run installs golang-go and golang-github-coreos-bbolt-dev; without
// them the build fails and says what to install.
using System.Diagnostics;

namespace FastKv.Bolt.Tests.Compat;

internal static class GoProgram
{
    private const string BboltSource = "/usr/share/gocode/src/go.etcd.io/bbolt";

    /// <summary>Builds the program whose main.go is at <paramref name="source"/> (relative to the test output) and returns its path.</summary>
    public static string Build(string source, string name)
    {
        if (!Directory.Exists(BboltSource))
            throw new InvalidOperationException(
                "the reference bbolt is missing: apt-get install -y golang-go golang-github-coreos-bbolt-dev (.ci/run does this)");
        string output = Path.Combine(Path.GetTempPath(), $"fastkv-{name}-{Environment.ProcessId}");
        var (code, text) = Run("go", ["build", "-o", output, Path.Combine(AppContext.BaseDirectory, source)], new()
        {
            ["GO111MODULE"] = "off",
            ["GOPATH"] = $"{Path.GetTempPath()}fastkv-gopath:/usr/share/gocode",
            ["GOCACHE"] = Path.Combine(Path.GetTempPath(), "fastkv-gocache"),
        });
        if (code != 0) throw new InvalidOperationException($"go build of {name} failed: {text}");
        return output;
    }

    /// <summary>Runs <paramref name="exe"/>; returns its exit code and output (stdout then stderr, trimmed).</summary>
    public static (int Code, string Output) Run(string exe, string[] args, Dictionary<string, string>? env = null)
    {
        var start = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        foreach (var (k, v) in env ?? new()) start.Environment[k] = v;
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

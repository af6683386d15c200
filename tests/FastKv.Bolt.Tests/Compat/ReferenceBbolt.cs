// Builds and runs bboltref (Compat/bboltref/main.go) against Debian's bbolt source, so tests can
// ask the reference implementation whether a file is valid. .ci/run installs golang-go and
// golang-github-coreos-bbolt-dev; without them these tests fail and say what to install.
using System.Diagnostics;

namespace FastKv.Bolt.Tests.Compat;

public static class ReferenceBbolt
{
    private static readonly Lazy<string> Binary = new(Build);

    private static string Build()
    {
        const string BboltSource = "/usr/share/gocode/src/go.etcd.io/bbolt";
        if (!Directory.Exists(BboltSource))
            throw new InvalidOperationException(
                "the reference bbolt is missing: apt-get install -y golang-go golang-github-coreos-bbolt-dev (.ci/run does this)");
        string source = Path.Combine(AppContext.BaseDirectory, "Compat", "bboltref", "main.go");
        string output = Path.Combine(Path.GetTempPath(), $"fastkv-bboltref-{Environment.ProcessId}");
        var (code, text) = Run("go", $"build -o {output} {source}", new()
        {
            ["GO111MODULE"] = "off",
            ["GOPATH"] = $"{Path.GetTempPath()}fastkv-gopath:/usr/share/gocode",
            ["GOCACHE"] = Path.Combine(Path.GetTempPath(), "fastkv-gocache"),
        });
        if (code != 0) throw new InvalidOperationException($"go build of bboltref failed: {text}");
        return output;
    }

    /// <summary>Runs bboltref; returns its exit code and first output line.</summary>
    public static (int Code, string Output) Invoke(string verb, string file) => Run(Binary.Value, $"{verb} {file}", new());

    private static (int, string) Run(string exe, string args, Dictionary<string, string> env)
    {
        var psi = new ProcessStartInfo(exe, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{exe} {args} did not finish in 120 s");
        }
        return (p.ExitCode, (stdout.Result + stderr.Result).Trim());
    }
}

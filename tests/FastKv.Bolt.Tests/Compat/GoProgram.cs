// Builds one of the tests' Go programs against Debian's bbolt source (GOPATH mode, no network) and
// runs it with a time limit. The programs import the library as "reference/bbolt": the build links
// that path, in a scratch GOPATH, to wherever the Debian package put the source. .ci/run installs
// golang-go and golang-github-coreos-bbolt-dev; without them the build fails and says what to install.
using System.Diagnostics;

namespace FastKv.Bolt.Tests.Compat;

internal static class GoProgram
{
    private const string DebianPackage = "golang-github-coreos-bbolt-dev";
    private const string GoLibraries = "/usr/share/gocode";

    /// <summary>Builds the program whose main.go is at <paramref name="source"/> (relative to the test output) and returns its path.</summary>
    public static string Build(string source, string name)
    {
        string gopath = Path.Combine(Path.GetTempPath(), "fastkv-gopath");
        LinkReferenceSource(gopath);
        string output = Path.Combine(Path.GetTempPath(), $"fastkv-{name}-{Environment.ProcessId}");
        var (code, text) = Run("go", ["build", "-o", output, Path.Combine(AppContext.BaseDirectory, source)], new()
        {
            ["GO111MODULE"] = "off",
            ["GOPATH"] = $"{gopath}:{GoLibraries}",
            ["GOCACHE"] = Path.Combine(Path.GetTempPath(), "fastkv-gocache"),
        });
        if (code != 0) throw new InvalidOperationException($"go build of {name} failed: {text}");
        return output;
    }

    // gopath/src/reference/bbolt -> the package's source directory (the one holding db.go).
    private static void LinkReferenceSource(string gopath)
    {
        var (code, files) = Run("dpkg", ["-L", DebianPackage]);
        string? db = code == 0 ? files.Split('\n').FirstOrDefault(f => f.EndsWith("/db.go", StringComparison.Ordinal)) : null;
        if (db is null)
            throw new InvalidOperationException(
                $"the reference bbolt is missing: apt-get install -y golang-go {DebianPackage} (.ci/run does this)");
        string link = Path.Combine(gopath, "src", "reference", "bbolt");
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        if (Directory.Exists(link) || File.Exists(link))
            return;
        try
        {
            Directory.CreateSymbolicLink(link, Path.GetDirectoryName(db)!);
        }
        catch (IOException) when (Directory.Exists(link))
        {
            // Another test built at the same moment and made the same link.
        }
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

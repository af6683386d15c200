// Arguments and checks the db subcommands share: the input file, and the rule that outputs never
// overwrite anything (repair and compact work on copies).
using System.CommandLine;

namespace FastKv.Util.Db;

internal static class DbArguments
{
    public static Argument<string> File() => new("file") { Description = "Path of the bolt file (e.g. member/snap/db, or an etcd snapshot .db)" };

    public static Option<string> Output(string what) => new("--output", "-o") { Description = what, Required = true };

    /// <summary>The input must exist and be a file; otherwise a usage error that says what was wrong.</summary>
    public static string RequireInput(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new UsageException("no input file given");
        if (Directory.Exists(path))
            throw new UsageException($"{path} is a directory; give the bolt file itself (for an etcd data dir: {Path.Combine(path, "member", "snap", "db")})");
        if (!System.IO.File.Exists(path))
            throw new UsageException($"{path}: no such file");
        return path;
    }

    /// <summary>An output must be a new file, and never the input: tools that write leave the original untouched.</summary>
    public static string RequireNewOutput(string input, string? output)
    {
        if (string.IsNullOrWhiteSpace(output))
            throw new UsageException("--output is required: give the path of a new file (the input is never changed)");
        if (Path.GetFullPath(output) == Path.GetFullPath(input))
            throw new UsageException($"--output {output} is the input file; write to a new file (the input is never changed in place)");
        if (System.IO.File.Exists(output) || Directory.Exists(output))
            throw new UsageException($"--output {output} already exists; choose a new path or remove it first");
        string? dir = Path.GetDirectoryName(Path.GetFullPath(output));
        if (dir != null && !Directory.Exists(dir))
            throw new UsageException($"--output {output}: directory {dir} does not exist");
        return output;
    }
}

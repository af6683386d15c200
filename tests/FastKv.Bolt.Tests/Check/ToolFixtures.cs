// Finds the shared etcd fixtures (../shared/fixtures next to the repository) and copies them into a
// per-test temp directory, since the fixtures are read-only and some tests write.
namespace FastKv.Bolt.Tests.Check;

internal static class ToolFixtures
{
    public static string Directory { get; } = Locate();

    public static string Snapshot => Path.Combine(Directory, "etcd-3.4-snapshot.db");
    public static string PgidBeyondEof => Path.Combine(Directory, "corrupt", "meta-pgid-beyond-eof.db");
    public static string BranchDoubleReference => Path.Combine(Directory, "corrupt", "branch-double-reference.db");

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FastKv.sln")))
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "fixtures"));
        }
        throw new InvalidOperationException($"no FastKv.sln above {AppContext.BaseDirectory}; cannot find ../shared/fixtures");
    }
}

/// <summary>A temp directory removed when the test ends.</summary>
internal sealed class TempDir : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fastkv-bolttools-" + Guid.NewGuid().ToString("N"));

    public TempDir() => System.IO.Directory.CreateDirectory(Path);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>A writable copy of <paramref name="source"/> inside this directory.</summary>
    public string Copy(string source, string? name = null)
    {
        string target = File(name ?? System.IO.Path.GetFileName(source));
        System.IO.File.Copy(source, target);
        System.IO.File.SetAttributes(target, FileAttributes.Normal);
        return target;
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

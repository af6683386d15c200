// Locating the repository, the built server and scratch directories for the server tests.
namespace FastKv.Server.Tests.Support;

internal static class TestPaths
{
    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FastKv.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("FastKv.sln not found above " + AppContext.BaseDirectory);
    }

    public static string Fixtures() => Path.GetFullPath(Path.Combine(RepositoryRoot(), "..", "shared", "fixtures"));

    /// <summary>fastkv.dll as built beside these tests (same configuration).</summary>
    public static string ServerDll()
    {
        var root = RepositoryRoot();
        var relative = Path.GetRelativePath(Path.Combine(root, "tests", "FastKv.Server.Tests"), AppContext.BaseDirectory);
        var path = Path.Combine(root, "src", "FastKv.Server", relative, "fastkv.dll");
        Assert.True(File.Exists(path), $"fastkv not built at {path}");
        return path;
    }
}

/// <summary>A directory under the system temp folder, deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fastkv-srv-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

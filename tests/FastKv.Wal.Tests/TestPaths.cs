// Locating the shared fixtures (beside the repository: ../shared/fixtures) and making scratch directories.
using System.Formats.Tar;
using System.IO.Compression;

namespace FastKv.Wal.Tests;

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

    /// <summary>Extracts the etcd 3.4 data dir fixture into <paramref name="target"/>; returns the WAL directory.</summary>
    public static string ExtractEtcdDataDir(string target)
    {
        using var file = File.OpenRead(Path.Combine(Fixtures(), "etcd-3.4-data-dir.tar.gz"));
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        TarFile.ExtractToDirectory(gzip, target, overwriteFiles: true);
        return Path.Combine(target, "member", "wal");
    }
}

/// <summary>A directory under the system temp folder, deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fastkv-wal-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}

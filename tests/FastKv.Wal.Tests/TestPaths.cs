// The etcd data dir fixture, unpacked for the WAL tests.
using System.Formats.Tar;
using System.IO.Compression;

namespace FastKv.Wal.Tests;

internal static class TestPaths
{
    public static string Fixtures() => RepositoryPaths.Fixtures();

    /// <summary>Extracts the etcd 3.4 data dir fixture into <paramref name="target"/>; returns the WAL directory.</summary>
    public static string ExtractEtcdDataDir(string target)
    {
        using var file = File.OpenRead(Path.Combine(Fixtures(), "etcd-3.4-data-dir.tar.gz"));
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        TarFile.ExtractToDirectory(gzip, target, overwriteFiles: true);
        return Path.Combine(target, "member", "wal");
    }
}

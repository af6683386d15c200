// A writable copy of the real etcd 3.4 snapshot (../shared/fixtures beside the repository),
// without the 32-byte SHA-256 trailer `etcdctl snapshot save` appends.
namespace FastKv.Mvcc.Tests.Lease;

internal static class EtcdSnapshotFixture
{
    private const int ShaTrailerBytes = 32;

    public static string CopyTo(string directory)
    {
        var source = Path.Combine(FixturesDir(), "etcd-3.4-snapshot.db");
        var bytes = File.ReadAllBytes(source);
        var target = Path.Combine(directory, "db");
        File.WriteAllBytes(target, bytes.AsSpan(0, bytes.Length - ShaTrailerBytes).ToArray());
        return target;
    }

    private static string FixturesDir()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FastKv.sln")))
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "fixtures"));
        }
        throw new DirectoryNotFoundException("FastKv.sln not found above " + AppContext.BaseDirectory);
    }
}

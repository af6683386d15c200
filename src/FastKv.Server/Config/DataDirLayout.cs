// Where a member keeps its files under --data-dir, in etcd's layout (member/snap with the page
// file `db`, member/wal unless --wal-dir moves it). The server and `fastkvutl snapshot restore`,
// which writes a data dir for the server to start from, both take the paths from here.
namespace FastKv.Server.Config;

public static class DataDirLayout
{
    /// <summary>The data dir of a member when --data-dir is not given.</summary>
    public static string DefaultFor(string name) => name + ".fastkv";

    public static string MemberDir(string dataDir) => Path.Combine(dataDir, "member");
    public static string SnapDir(string dataDir) => Path.Combine(MemberDir(dataDir), "snap");
    public static string DbPath(string dataDir) => Path.Combine(SnapDir(dataDir), "db");
    public static string WalDir(string dataDir) => Path.Combine(MemberDir(dataDir), "wal");
}

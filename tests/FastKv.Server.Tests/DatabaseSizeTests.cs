// The database size a member reports (endpoint status, the db-size metrics, the quota) is etcd's:
// the page file's committed high-water mark, not the file's length, which grows ahead in steps.
using FastKv.Server.Tests.Support;
using FastKv.TestSupport;

namespace FastKv.Server.Tests;

public sealed class DatabaseSizeTests
{
    [Fact]
    public async Task A_fresh_member_reports_the_same_database_size_as_a_fresh_etcd()
    {
        Assert.True(MemberProcess.EtcdAvailable, "etcd is missing: apt-get install etcd-server (.ci/run does)");
        using var dir = new TempDir();
        using var fastkv = await MemberProcess.StartFastKvAsync(dir.Sub("fastkv"));
        using var etcd = await MemberProcess.StartEtcdAsync(dir.Sub("etcd"));

        var (etcdSize, etcdInUse) = await StatusAsync(etcd.Endpoint);
        var (size, inUse) = await StatusAsync(fastkv.Endpoint);
        Assert.Equal(etcdSize, size);
        Assert.True(inUse <= size && inUse > 0, $"in use {inUse} of {size}");
        var file = new FileInfo(Path.Combine(fastkv.DataDir, "member", "snap", "db")).Length;
        Assert.True(size <= file, $"reported {size}, file {file}");
    }

    private static async Task<(long Size, long InUse)> StatusAsync(string endpoint)
    {
        var result = await Etcdctl.RunAsync(endpoint, "endpoint", "status", "-w", "json");
        Assert.Equal(0, result.ExitCode);
        var status = System.Text.Json.JsonDocument.Parse(result.Stdout).RootElement[0].GetProperty("Status");
        return (status.GetProperty("dbSize").GetInt64(), status.GetProperty("dbSizeInUse").GetInt64());
    }
}

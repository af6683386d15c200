// The operator-facing commands, run as the real executable: wal dump/verify/repair on the etcd fixture
// and on damaged copies (exit codes 0 sound, 1 damaged, 2 usage), and a short disk bench run.
using System.Text.Json;

namespace FastKv.Wal.Tests;

public class FastkvutlWalAndDiskTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private readonly TempDir _temp = new();
    private readonly string _tool = ToolProcess.BuiltDll(Path.Combine("tools", "fastkvutl"), "fastkvutl");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Wal_dump_lists_the_fixture_entries_with_decoded_etcd_requests()
    {
        TestPaths.ExtractEtcdDataDir(_temp.Path);
        var (code, stdout, stderr) = ToolProcess.Run(_tool, Limit, "wal", "dump", _temp.Path);
        Assert.True(code == 0, stderr);
        Assert.Contains("nodeID=89651961ddc6e851 clusterID=30aa2dfc0ab9295d", stdout);
        Assert.Contains("conf change AddNode node=89651961ddc6e851", stdout);
        Assert.Contains("put key=/registry/pods/default/pod-200 value=400 bytes", stdout);
        Assert.Contains("lease_grant ttl=3600", stdout);
        Assert.Contains("compaction revision=3", stdout);
        Assert.Contains("entries after index 0: 220, last index 220", stdout);
        Assert.Contains("crc chain verified", stdout);
    }

    [Fact]
    public void Wal_verify_passes_the_fixture_fails_a_flipped_byte_and_repair_fixes_it()
    {
        string wal = TestPaths.ExtractEtcdDataDir(_temp.Path);
        Assert.Equal(0, ToolProcess.Run(_tool, Limit, "wal", "verify", wal).ExitCode);

        string segment = Directory.GetFiles(wal, "*.wal").Single();
        WalTestData.FlipUnlocked(segment, 3000, 0xFF);
        var (code, stdout, _) = ToolProcess.Run(_tool, Limit, "wal", "verify", wal);
        Assert.Equal(1, code);
        Assert.Contains("DAMAGED", stdout);
        Assert.Contains(segment, stdout);

        var repaired = ToolProcess.Run(_tool, Limit, "wal", "repair", wal);
        Assert.True(repaired.ExitCode == 0, repaired.Stdout + repaired.Stderr);
        Assert.Contains("truncated", repaired.Stdout);
        Assert.Equal(0, ToolProcess.Run(_tool, Limit, "wal", "verify", wal).ExitCode);
    }

    [Fact]
    public void Wal_commands_give_usage_errors_for_bad_paths()
    {
        Assert.Equal(2, ToolProcess.Run(_tool, Limit, "wal", "verify", _temp.Sub("missing")).ExitCode);
        Assert.Equal(2, ToolProcess.Run(_tool, Limit, "wal", "dump", _temp.Path).ExitCode); // no segments
    }

    [Fact]
    public void Disk_bench_reports_fdatasync_percentiles_and_a_verdict_as_json()
    {
        var (code, stdout, stderr) = ToolProcess.Run(_tool, Limit, "disk", "bench", "--directory", _temp.Path,
            "--size", "256k", "--bs", "2300", "--json", "--quiet");
        Assert.True(code is 0 or 1, stderr);
        using var json = JsonDocument.Parse(stdout);
        var sync = json.RootElement.GetProperty("fdatasync");
        Assert.Equal(256 * 1024 / 2300, json.RootElement.GetProperty("writes").GetInt64());
        double p50 = sync.GetProperty("p50_us").GetDouble(), p99 = sync.GetProperty("p99_us").GetDouble();
        Assert.True(p50 > 0 && p50 <= p99 && p99 <= sync.GetProperty("max_us").GetDouble());
        Assert.Equal(code == 0, json.RootElement.GetProperty("fit").GetBoolean());
        Assert.Empty(Directory.GetFiles(_temp.Path)); // its files are removed
    }

    [Fact]
    public void Disk_bench_wal_mode_drives_group_commit()
    {
        var (code, stdout, stderr) = ToolProcess.Run(_tool, Limit, "disk", "bench", "--mode", "wal", "--directory", _temp.Path,
            "--appenders", "16", "--runtime", "1s", "--json", "--quiet");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.True(json.RootElement.GetProperty("entries").GetInt64() > 16);
        Assert.True(json.RootElement.GetProperty("syncs").GetInt64() > 0);
        Assert.Empty(Directory.GetFileSystemEntries(_temp.Path));
    }

    [Fact]
    public void Disk_bench_rejects_unusable_arguments()
    {
        Assert.Equal(2, ToolProcess.Run(_tool, Limit, "disk", "bench", "--directory", _temp.Path, "--bs", "0").ExitCode);
        Assert.Equal(2, ToolProcess.Run(_tool, Limit, "disk", "bench", "--directory", _temp.Path, "--direct", "--bs", "2300").ExitCode);
        Assert.Equal(2, ToolProcess.Run(_tool, Limit, "disk", "bench", "--directory", _temp.Sub("nope")).ExitCode);
        Assert.Equal(2, ToolProcess.Run(_tool, Limit, "disk", "bench", "--mode", "tape").ExitCode);
    }
}

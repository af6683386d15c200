// `fastkvutl db info` and `check` on files with commit manifests: info says per meta whether its
// commit's pages verified; check names a torn newest commit (exit 1) and is clean again once a
// writable open has retired it.
using FastKv.Bolt.Check;
using FastKv.Bolt.Tests.Durability;

namespace FastKv.Bolt.Tests.Tool;

public class DbToolManifestTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Info_shows_the_manifest_and_check_names_a_torn_commit()
    {
        string path = _dir.File("db");
        using (var db = BoltDb.Open(path))
            db.Update(tx =>
            {
                var b = tx.CreateBucket(Bytes.Of("a"));
                for (int i = 0; i < 2000; i++) b.Put(Bytes.Of($"k{i:D5}"), new byte[100]);
            });
        byte[] before = File.ReadAllBytes(path);
        using (var db = BoltDb.Open(path)) db.Update(tx => tx.GetBucket(Bytes.Of("a"))!.Put(Bytes.Of("k01000"), Bytes.Of("new")));

        var info = ToolProcess.Run("db", "info", path);
        Assert.Equal(0, info.ExitCode);
        Assert.Contains("commit manifest: verified (", info.Stdout);
        Assert.Contains("commit manifest: none (pages synced before the meta)", info.Stdout);

        byte[] after = File.ReadAllBytes(path);
        var changed = CrashImages.ChangedDataPages(before, after);
        File.WriteAllBytes(path, CrashImages.WithPagesLost(before, after, [changed[0]], garbage: null));
        var torn = ToolProcess.Run("db", "info", path);
        Assert.Equal(1, torn.ExitCode);
        Assert.Contains($"commit manifest: TORN: page {changed[0]} does not hold what txid", torn.Stdout);
        var check = ToolProcess.Run("db", "check", path);
        Assert.Equal(1, check.ExitCode);
        Assert.Contains($": {CheckRules.TornCommit}: meta ", check.Stdout);

        using (var db = BoltDb.Open(path)) Assert.True(db.FellBackFromTornCommit);
        var repaired = ToolProcess.Run("db", "check", path);
        Assert.Equal(0, repaired.ExitCode);
    }
}

// Check() on open databases: files the database writes check clean in both freelist modes, during
// and after writes, and the check sees the snapshot of the transaction it runs in.
using FastKv.Bolt.Check;
using FastKv.Bolt.Tests.Check;

namespace FastKv.Bolt.Tests.Check;

public class DatabaseCheckTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WrittenFilesCheckClean(bool noFreelistSync)
    {
        string path = _dir.File($"db-{noFreelistSync}.db");
        var random = new Random(7);
        using (var db = BoltDb.Open(path, new BoltOptions { NoSync = true, NoFreelistSync = noFreelistSync }))
        {
            for (int round = 0; round < 20; round++)
            {
                db.Update(tx =>
                {
                    var bucket = tx.CreateBucketIfNotExists("b"u8);
                    var nested = bucket.CreateBucketIfNotExists("nested"u8);
                    nested.SetSequence((ulong)round);
                    for (int i = 0; i < 200; i++)
                    {
                        byte[] key = BitConverter.GetBytes(random.Next(2000));
                        if (random.Next(4) == 0) bucket.Delete(key);
                        else bucket.Put(key, new byte[random.Next(1, round % 5 == 0 ? 9000 : 100)]);
                    }
                    tx.CreateBucketIfNotExists("small"u8).Put("k"u8, "v"u8);
                });
                var report = db.Check();
                Assert.True(report.IsClean, $"round {round}: {string.Join("\n", report.Problems)}");
                Assert.Equal(!noFreelistSync, report.FreelistPersisted);
            }
        }
        var offline = BoltChecker.CheckFile(path);
        Assert.True(offline.IsClean, string.Join("\n", offline.Problems));
    }

    [Fact]
    public void ReaderSnapshotStaysCheckableWhileWritesGoOn()
    {
        string path = _dir.File("snapshot.db");
        using var db = BoltDb.Open(path, new BoltOptions { NoSync = true });
        db.Update(tx => { var b = tx.CreateBucket("b"u8); for (int i = 0; i < 1000; i++) b.Put(BitConverter.GetBytes(i), new byte[64]); });
        using var reader = db.BeginRead();
        long keysBefore = reader.Check().Keys;
        for (int round = 0; round < 10; round++)
            db.Update(tx => { var b = tx.GetBucket("b"u8)!; for (int i = 0; i < 300; i++) b.Put(BitConverter.GetBytes(1000 + round * 300 + i), new byte[64]); });
        var report = reader.Check();
        Assert.True(report.IsClean, string.Join("\n", report.Problems));
        Assert.Equal(keysBefore, report.Keys);
        Assert.Equal(1000 + 3000, db.Check().Keys);
    }

    [Fact]
    public void OpenedSnapshotChecksClean()
    {
        string path = ToolFixtures.CopyTo(ToolFixtures.Snapshot, _dir);
        using var db = BoltDb.Open(path, new BoltOptions { ReadOnly = true });
        var report = db.Check();
        Assert.True(report.IsClean, string.Join("\n", report.Problems));
        Assert.Equal(220, report.Keys);
    }

    [Fact]
    public void DamagedFileOpenedReadOnlyIsReportedByCheck()
    {
        string path = ToolFixtures.CopyTo(ToolFixtures.BranchDoubleReference, _dir);
        using var db = BoltDb.Open(path, new BoltOptions { ReadOnly = true });
        var report = db.Check();
        var problem = Assert.Single(report.Problems, p => p.Rule == CheckRules.MultipleReferences);
        Assert.Equal(30ul, problem.PageId);
        Assert.Contains(report.Problems, p => p.Rule == CheckRules.BranchKeyMismatch && p.PageId == 30);
    }
}

// WriteTo: a consistent copy of one snapshot, taken while writes go on.
using FastKv.Bolt.Tests.Compat;

namespace FastKv.Bolt.Tests;

public class WriteToTests
{
    [Fact]
    public async Task A_copy_taken_during_writes_holds_exactly_the_snapshot()
    {
        using var dir = new TempDir();
        using var db = BoltDb.Open(dir.File("db"), new BoltOptions { NoSync = true });
        for (int i = 0; i < 50; i++)
            db.Update(tx => tx.CreateBucketIfNotExists(Bytes.Of("b")).Put(BitConverter.GetBytes(i), new byte[3000]));

        using var snapshot = db.BeginRead();
        var writer = Task.Run(() =>
        {
            for (int i = 50; i < 400; i++)
                db.Update(tx =>
                {
                    var b = tx.GetBucket(Bytes.Of("b"))!;
                    b.Put(BitConverter.GetBytes(i), new byte[3000]);
                    b.Delete(BitConverter.GetBytes(i - 50));
                });
        });
        string copy = dir.File("copy.db");
        using (var output = File.Create(copy)) Assert.Equal(snapshot.Size, snapshot.WriteTo(output));
        await writer;

        var (code, text) = ReferenceBbolt.Invoke("check", copy);
        Assert.True(code == 0, text);
        using var copied = BoltDb.Open(copy, new BoltOptions { ReadOnly = true });
        copied.View(tx =>
        {
            var b = tx.GetBucket(Bytes.Of("b"))!;
            Assert.Equal(50, b.Stats().KeyN);
            for (int i = 0; i < 50; i++) Assert.True(b.TryGet(BitConverter.GetBytes(i), out _));
        });
    }
}

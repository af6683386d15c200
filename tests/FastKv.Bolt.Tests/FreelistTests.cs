// Page reuse: freed pages come back only when no reader can see them, and a freelist too long for
// the header's 16-bit count is stored with the 0xFFFF convention and read back (by bbolt too).
using FastKv.Bolt.Tests.Compat;

namespace FastKv.Bolt.Tests;

public class FreelistTests
{
    [Fact]
    public void Pages_a_reader_can_see_are_not_reused_until_it_closes()
    {
        using var dir = new TempDir();
        using var db = BoltDb.Open(dir.File("db"), new BoltOptions { NoSync = true });
        var original = new Dictionary<string, byte[]>();
        db.Update(tx =>
        {
            var b = tx.CreateBucket(Bytes.Of("b"));
            for (int i = 0; i < 2000; i++)
            {
                var v = System.Security.Cryptography.RandomNumberGenerator.GetBytes(200);
                original[$"k{i:D5}"] = v;
                b.Put(Bytes.Of($"k{i:D5}"), v);
            }
        });
        using var reader = db.BeginRead();
        var held = reader.GetBucket(Bytes.Of("b"))!;
        // Rewrite every key several times: with no reader, these commits would reuse the reader's pages.
        for (int round = 0; round < 5; round++)
            db.Update(tx =>
            {
                var b = tx.GetBucket(Bytes.Of("b"))!;
                for (int i = 0; i < 2000; i++) b.Put(Bytes.Of($"k{i:D5}"), new byte[200]);
            });
        foreach (var (key, value) in original)
        {
            Assert.True(held.TryGet(Bytes.Of(key), out var v));
            Assert.True(v.SequenceEqual(value), $"{key} changed under an open reader");
        }
        long sizeWithReader = new FileInfo(db.Path).Length;
        reader.Dispose();
        // Once the reader is gone the freed pages are reused: more rewrites do not grow the file.
        for (int round = 0; round < 5; round++)
            db.Update(tx =>
            {
                var b = tx.GetBucket(Bytes.Of("b"))!;
                for (int i = 0; i < 2000; i++) b.Put(Bytes.Of($"k{i:D5}"), new byte[200]);
            });
        Assert.Equal(sizeWithReader, new FileInfo(db.Path).Length);
    }

    [Fact]
    public void A_freelist_of_more_than_65535_pages_round_trips()
    {
        using var dir = new TempDir();
        string path = dir.File("db");
        var options = new BoltOptions { NoSync = true, PageSize = 1024 };
        long freelistPage;
        using (var db = BoltDb.Open(path, options))
        {
            db.Update(tx => tx.CreateBucket(Bytes.Of("b")).Put(Bytes.Of("huge"), new byte[70_000 * 1024]));
            db.Update(tx => tx.GetBucket(Bytes.Of("b"))!.Delete(Bytes.Of("huge")));
            db.Update(tx => tx.GetBucket(Bytes.Of("b"))!.Put(Bytes.Of("small"), Bytes.Of("x")));
            freelistPage = (long)db.CurrentMeta.Freelist;
        }
        using (var f = File.OpenRead(path))
        {
            var header = new byte[16];
            f.Position = freelistPage * 1024;
            f.ReadExactly(header);
            Assert.Equal(0xFFFF, BitConverter.ToUInt16(header, 10)); // count field
            Assert.Equal((ulong)freelistPage, BitConverter.ToUInt64(header, 0)); // header id
        }
        var (code, output) = ReferenceBbolt.Invoke("check", path);
        Assert.True(code == 0, output);
        using (var db = BoltDb.Open(path, options))
        {
            // The free pages are known again after reopen: a large value fits without growing the file.
            long size = new FileInfo(path).Length;
            db.Update(tx => tx.GetBucket(Bytes.Of("b"))!.Put(Bytes.Of("again"), new byte[60_000 * 1024]));
            Assert.Equal(size, new FileInfo(path).Length);
        }
    }
}

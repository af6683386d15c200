// Power loss during a commit. A commit writes new pages (never pages the last commit uses), syncs,
// then writes its meta and syncs. So whatever subset of the new pages reached the disk, holds
// garbage, or is missing because the file was cut short, the file must open to exactly the previous
// commit until the new meta is whole, and to the new commit once it is.
using FastKv.Bolt.Tests.Compat;

namespace FastKv.Bolt.Tests.Durability;

public class CrashConsistencyTests
{
    private const int PageSize = 4096;

    private static SortedDictionary<string, string> Content(string path)
    {
        using var db = BoltDb.Open(path, new BoltOptions { NoSync = true });
        return db.View(tx =>
        {
            var all = new SortedDictionary<string, string>(StringComparer.Ordinal);
            var top = tx.Cursor();
            for (bool ok = top.First(out var name, out _); ok; ok = top.Next(out name, out _))
            {
                var c = tx.GetBucket(name)!.Cursor();
                for (bool more = c.First(out var k, out var v); more; more = c.Next(out k, out v))
                    all[Bytes.Text(name) + "/" + Bytes.Text(k)] = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(v));
            }
            return all;
        });
    }

    private static void FirstCommit(Tx tx)
    {
        var a = tx.CreateBucket(Bytes.Of("a"));
        for (int i = 0; i < 2000; i++) a.Put(Bytes.Of($"key{i:D5}"), Bytes.Of(new string((char)('a' + i % 26), i % 200)));
        tx.CreateBucket(Bytes.Of("b")).Put(Bytes.Of("x"), new byte[30000]);
    }

    private static void SecondCommit(Tx tx)
    {
        var a = tx.GetBucket(Bytes.Of("a"))!;
        for (int i = 0; i < 2000; i += 2) a.Delete(Bytes.Of($"key{i:D5}"));
        for (int i = 0; i < 3000; i++) a.Put(Bytes.Of($"new{i:D5}"), new byte[i % 700]);
        tx.DeleteBucket(Bytes.Of("b"));
        tx.CreateBucket(Bytes.Of("c")).Put(Bytes.Of("y"), new byte[50000]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_commit_cut_at_any_write_boundary_leaves_the_previous_or_the_new_commit(bool noFreelistSync)
    {
        using var dir = new TempDir();
        string path = dir.File("db");
        var options = new BoltOptions { NoFreelistSync = noFreelistSync };
        ulong secondTxid;
        using (var db = BoltDb.Open(path, options)) db.Update(FirstCommit);
        byte[] before = File.ReadAllBytes(path);
        var stateBefore = Content(path);
        using (var db = BoltDb.Open(path, options))
        {
            db.Update(SecondCommit);
            secondTxid = db.CurrentMeta.Txid;
        }
        byte[] after = File.ReadAllBytes(path);
        var stateAfter = Content(path);
        Assert.NotEqual(stateBefore, stateAfter);

        int metaPage = (int)(secondTxid % 2);
        var changed = new List<int>();
        for (int p = 0; p < after.Length / PageSize; p++)
        {
            if (p == metaPage) continue;
            var oldPage = p * PageSize < before.Length ? before.AsSpan(p * PageSize, PageSize) : new byte[PageSize];
            if (!oldPage.SequenceEqual(after.AsSpan(p * PageSize, PageSize))) changed.Add(p);
        }
        Assert.True(changed.Count > 10, $"only {changed.Count} pages changed");
        var random = new Random(42);
        int checkedImages = 0;

        void Expect(byte[] image, SortedDictionary<string, string> expected, string what)
        {
            string crash = dir.File($"crash-{checkedImages++}.db");
            File.WriteAllBytes(crash, image);
            Assert.True(expected.SequenceEqual(Content(crash)), $"after {what} the file does not hold the expected commit");
            var (code, output) = ReferenceBbolt.Invoke("check", crash);
            Assert.True(code == 0, $"after {what}: {output}");
        }

        // Data pages reach the disk in order; the rest are missing (old bytes) or garbage.
        for (int written = 0; written <= changed.Count; written += Math.Max(1, changed.Count / 12))
        {
            foreach (bool garbage in new[] { false, true })
            {
                byte[] image = new byte[after.Length];
                before.CopyTo(image, 0);
                for (int i = 0; i < changed.Count; i++)
                {
                    var dst = image.AsSpan(changed[i] * PageSize, PageSize);
                    if (i < written) after.AsSpan(changed[i] * PageSize, PageSize).CopyTo(dst);
                    else if (garbage) random.NextBytes(dst);
                }
                Expect(image, stateBefore, $"{written}/{changed.Count} data pages{(garbage ? " and garbage in the rest" : "")}");
            }
        }

        // All data synced, the meta torn part-way: the checksum rejects it.
        foreach (int cut in new[] { 8, 24, 40, 60, 72 })
        {
            byte[] image = (byte[])after.Clone();
            before.AsSpan(metaPage * PageSize + cut, PageSize - cut).CopyTo(image.AsSpan(metaPage * PageSize + cut));
            Expect(image, stateBefore, $"a meta torn at byte {cut}");
        }

        // The file grew but the growth never reached the disk: cut back to the old length.
        if (after.Length > before.Length)
        {
            byte[] image = (byte[])before.Clone();
            Expect(image, stateBefore, "a lost file extension");
        }

        Expect(after, stateAfter, "the whole commit");
    }

    [Fact]
    public void A_truncated_file_is_refused_with_a_clear_error()
    {
        using var dir = new TempDir();
        string path = dir.File("db");
        long highWater;
        using (var db = BoltDb.Open(path))
        {
            db.Update(FirstCommit);
            highWater = (long)db.CurrentMeta.Pgid * PageSize;
        }
        byte[] image = File.ReadAllBytes(path);
        File.WriteAllBytes(path, image.AsSpan(0, (int)(highWater / 2)).ToArray());
        var e = Assert.ThrowsAny<BoltException>(() => BoltDb.Open(path));
        Assert.Contains("beyond the end of the", e.Message);
        Assert.Contains("fastkvutl db check", e.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_bolt_file_is_refused()
    {
        using var dir = new TempDir();
        string path = dir.File("db");
        File.WriteAllBytes(path, System.Text.Encoding.ASCII.GetBytes(new string('x', 20000)));
        var e = Assert.ThrowsAny<BoltException>(() => BoltDb.Open(path));
        Assert.Contains("not a bolt file", e.Message);
    }

    [Fact]
    public void A_file_of_another_version_is_refused()
    {
        using var dir = new TempDir();
        string path = dir.File("db");
        using (BoltDb.Open(path)) { }
        byte[] image = File.ReadAllBytes(path);
        foreach (int page in new[] { 0, 1 })
        {
            image[page * PageSize + 16 + 4] = 3; // version field
            // Re-seal so only the version is wrong.
            var meta = System.Runtime.InteropServices.MemoryMarshal.Read<Format.Meta>(image.AsSpan(page * PageSize + 16));
            meta.Seal();
            System.Runtime.InteropServices.MemoryMarshal.Write(image.AsSpan(page * PageSize + 16), in meta);
        }
        File.WriteAllBytes(path, image);
        var e = Assert.ThrowsAny<BoltException>(() => BoltDb.Open(path));
        Assert.Contains("unsupported version 3", e.Message);
    }

    [Fact]
    public void A_second_writer_is_refused_while_the_file_is_open()
    {
        using var dir = new TempDir();
        string path = dir.File("db");
        using var db = BoltDb.Open(path);
        Assert.Throws<BoltLockedException>(() => BoltDb.Open(path));
        Assert.Throws<BoltLockedException>(() => BoltDb.Open(path, new BoltOptions { ReadOnly = true }));
    }

    [Fact]
    public void Read_only_opens_share_the_file()
    {
        using var dir = new TempDir();
        string path = dir.File("db");
        using (var db = BoltDb.Open(path)) db.Update(FirstCommit);
        using var r1 = BoltDb.Open(path, new BoltOptions { ReadOnly = true });
        using var r2 = BoltDb.Open(path, new BoltOptions { ReadOnly = true });
        Assert.Throws<BoltLockedException>(() => BoltDb.Open(path));
        Assert.Equal(BoltException.DatabaseReadOnly().Message, Assert.Throws<BoltException>(() => r1.BeginWrite()).Message);
    }
}

// Files written by FastKv.Bolt open in the reference bbolt and pass its check; files written by
// bbolt read back identically in FastKv. Both sides summarize content the same way (bucket count,
// key count, and a sum of FNV-64a over bucket path, key and value).
using FastKv.Bolt.Format;

namespace FastKv.Bolt.Tests.Compat;

public class BboltCompatibilityTests
{
    // The same content bboltref's "write" verb produces.
    private static void WriteReferenceContent(Tx tx)
    {
        var big = tx.CreateBucket(Bytes.Of("big"));
        for (int i = 0; i < 3000; i++) big.Put(Bytes.Of($"key-{i:D6}"), new byte[i % 500]);
        big.Put(Bytes.Of("overflow"), new byte[100000]);
        tx.CreateBucket(Bytes.Of("small")).Put(Bytes.Of("a"), Bytes.Of("1"));
        var nested = big.CreateBucket(Bytes.Of("nested"));
        nested.NextSequence();
        nested.Put(Bytes.Of("x"), Bytes.Of("y"));
    }

    internal static string Summarize(BoltDb db) => db.View(tx =>
    {
        int buckets = 0, keys = 0;
        ulong sum = 0;
        void Walk(Bucket b, string path)
        {
            buckets++;
            var c = b.Cursor();
            for (bool ok = c.First(out var k, out var v); ok; ok = c.Next(out k, out v))
            {
                if (c.IsBucket)
                {
                    Walk(b.GetBucket(k)!, path + "/" + Bytes.Text(k));
                    continue;
                }
                var data = new byte[path.Length + k.Length + v.Length];
                Bytes.Of(path).CopyTo(data, 0);
                k.CopyTo(data.AsSpan(path.Length));
                v.CopyTo(data.AsSpan(path.Length + k.Length));
                sum += Fnv64a.Hash(data);
                keys++;
            }
        }
        var root = tx.Cursor();
        for (bool ok = root.First(out var name, out _); ok; ok = root.Next(out name, out _))
            Walk(tx.GetBucket(name)!, Bytes.Text(name));
        return $"ok buckets={buckets} keys={keys} sum={sum}";
    });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_file_written_by_FastKv_passes_the_reference_bbolt_check(bool noFreelistSync)
    {
        using var dir = new TempDir();
        string path = dir.File("fastkv.db");
        string expected;
        using (var db = BoltDb.Open(path, new BoltOptions { NoFreelistSync = noFreelistSync }))
        {
            db.Update(WriteReferenceContent);
            // Churn: deletes that merge pages and frees that the freelist must record.
            db.Update(tx =>
            {
                var big = tx.GetBucket(Bytes.Of("big"))!;
                for (int i = 0; i < 3000; i += 3) big.Delete(Bytes.Of($"key-{i:D6}"));
            });
            db.Update(tx => tx.GetBucket(Bytes.Of("big"))!.Put(Bytes.Of("key-000000"), new byte[0]));
            expected = Summarize(db);
        }
        var (code, output) = ReferenceBbolt.Invoke("check", path);
        Assert.True(code == 0, output);
        Assert.Equal(expected, output);
    }

    [Fact]
    public void A_file_written_by_the_reference_bbolt_reads_back_identically()
    {
        using var dir = new TempDir();
        string path = dir.File("bbolt.db");
        var (code, output) = ReferenceBbolt.Invoke("write", path);
        Assert.True(code == 0, output);
        using var db = BoltDb.Open(path);
        Assert.Equal(output, Summarize(db));
        // And FastKv can keep writing to it.
        db.Update(tx => tx.GetBucket(Bytes.Of("small"))!.Put(Bytes.Of("b"), Bytes.Of("2")));
        Assert.Contains("keys=3004", Summarize(db));
    }
}

// Put/get/delete, buckets, sequences and persistence across reopen.
namespace FastKv.Bolt.Tests;

public class BasicOperationsTests
{
    private static readonly BoltOptions Fast = new() { NoSync = true };

    [Fact]
    public void Put_then_get_returns_the_value_after_reopen()
    {
        using var dir = new TempDir();
        string path = dir.File("db");
        using (var db = BoltDb.Open(path, Fast))
            db.Update(tx => tx.CreateBucket(Bytes.Of("b")).Put(Bytes.Of("k"), Bytes.Of("v")));
        using (var db = BoltDb.Open(path, Fast))
            db.View(tx =>
            {
                Assert.True(tx.GetBucket(Bytes.Of("b"))!.TryGet(Bytes.Of("k"), out var v));
                Assert.Equal("v", Bytes.Text(v));
                Assert.False(tx.GetBucket(Bytes.Of("b"))!.TryGet(Bytes.Of("missing"), out _));
            });
    }

    [Fact]
    public void FileSize_follows_the_file_as_commits_grow_it_and_after_reopen()
    {
        using var dir = new TempDir();
        string path = dir.File("db");
        using (var db = BoltDb.Open(path, Fast))
        {
            Assert.Equal(new FileInfo(path).Length, db.FileSize);
            long initial = db.FileSize;
            for (int round = 0; round < 20; round++)
            {
                db.Update(tx =>
                {
                    var b = tx.CreateBucketIfNotExists(Bytes.Of("b"));
                    for (int i = 0; i < 500; i++) b.Put(Bytes.Of($"key-{round:D2}-{i:D4}"), new byte[1000]);
                });
                Assert.Equal(new FileInfo(path).Length, db.FileSize);
            }
            Assert.True(db.FileSize > initial, "the file grew");
        }
        using (var db = BoltDb.Open(path, Fast))
            Assert.Equal(new FileInfo(path).Length, db.FileSize);
    }

    [Fact]
    public void HighWaterBytes_and_FreePageBytes_report_the_committed_meta_and_freelist()
    {
        using var dir = new TempDir();
        string path = dir.File("db");
        using var db = BoltDb.Open(path, Fast);
        // A new file: two metas, an empty freelist page and an empty root leaf, nothing free.
        Assert.Equal(4L * db.PageSize, db.HighWaterBytes);
        Assert.Equal(0, db.FreePageBytes);
        db.Update(tx =>
        {
            var b = tx.CreateBucket(Bytes.Of("b"));
            for (int i = 0; i < 2000; i++) b.Put(Bytes.Of($"key-{i:D5}"), new byte[200]);
        });
        Assert.Equal((long)db.CurrentMeta.Pgid * db.PageSize, db.HighWaterBytes);
        Assert.True(db.HighWaterBytes < db.FileSize || db.HighWaterBytes == db.FileSize);
        long grown = db.HighWaterBytes;
        db.Update(tx =>
        {
            var b = tx.GetBucket(Bytes.Of("b"))!;
            for (int i = 0; i < 2000; i++) b.Delete(Bytes.Of($"key-{i:D5}"));
        });
        // The deletes free most pages once no reader can still see them (the next commit releases them).
        db.Update(tx => tx.GetBucket(Bytes.Of("b"))!.Put(Bytes.Of("k"), Bytes.Of("v")));
        // Placement may have grown the file by a page or two to keep the delete's commit contiguous.
        Assert.Equal((long)db.CurrentMeta.Pgid * db.PageSize, db.HighWaterBytes);
        Assert.InRange(db.HighWaterBytes, grown, grown + 4L * db.PageSize);
        Assert.True(db.FreePageBytes > grown / 2, $"{db.FreePageBytes} of {grown} bytes free");
        Assert.Equal((long)db.Freelist.FreeCount * db.PageSize, db.FreePageBytes);
    }

    [Fact]
    public void Many_keys_split_into_pages_and_read_back_in_order()
    {
        using var dir = new TempDir();
        string path = dir.File("db");
        using (var db = BoltDb.Open(path, Fast))
        {
            db.Update(tx =>
            {
                var b = tx.CreateBucket(Bytes.Of("b"));
                for (int i = 0; i < 5000; i++) b.Put(Bytes.Of($"key-{i:D6}"), Bytes.Of(new string('x', i % 300)));
            });
        }
        using (var db = BoltDb.Open(path, Fast))
        {
            db.View(tx =>
            {
                var b = tx.GetBucket(Bytes.Of("b"))!;
                var c = b.Cursor();
                int n = 0;
                for (bool ok = c.First(out var k, out var v); ok; ok = c.Next(out k, out v))
                {
                    Assert.Equal($"key-{n:D6}", Bytes.Text(k));
                    Assert.Equal(n % 300, v.Length);
                    n++;
                }
                Assert.Equal(5000, n);
                Assert.True(b.Stats().LeafPageN > 10);
            });
        }
    }

    [Fact]
    public void Deleting_most_keys_merges_pages_and_keeps_the_rest()
    {
        using var dir = new TempDir();
        using var db = BoltDb.Open(dir.File("db"), Fast);
        db.Update(tx =>
        {
            var b = tx.CreateBucket(Bytes.Of("b"));
            for (int i = 0; i < 3000; i++) b.Put(Bytes.Of($"{i:D5}"), new byte[100]);
        });
        long before = db.View(tx => tx.GetBucket(Bytes.Of("b"))!.Stats().LeafPageN);
        db.Update(tx =>
        {
            var b = tx.GetBucket(Bytes.Of("b"))!;
            for (int i = 0; i < 3000; i++) if (i % 50 != 0) b.Delete(Bytes.Of($"{i:D5}"));
        });
        db.View(tx =>
        {
            var b = tx.GetBucket(Bytes.Of("b"))!;
            Assert.True(b.Stats().LeafPageN < before / 5);
            Assert.Equal(60, b.Stats().KeyN);
            Assert.True(b.TryGet(Bytes.Of("00050"), out _));
            Assert.False(b.TryGet(Bytes.Of("00051"), out _));
        });
    }

    [Fact]
    public void Nested_buckets_survive_reopen_and_deleting_a_bucket_deletes_its_children()
    {
        using var dir = new TempDir();
        string path = dir.File("db");
        using (var db = BoltDb.Open(path, Fast))
        {
            db.Update(tx =>
            {
                var a = tx.CreateBucket(Bytes.Of("a"));
                var inner = a.CreateBucket(Bytes.Of("inner"));
                for (int i = 0; i < 2000; i++) inner.Put(Bytes.Of($"k{i}"), new byte[50]);
                inner.CreateBucket(Bytes.Of("deepest")).Put(Bytes.Of("x"), Bytes.Of("y"));
                a.Put(Bytes.Of("plain"), Bytes.Of("value"));
            });
        }
        using (var db = BoltDb.Open(path, Fast))
        {
            db.View(tx =>
            {
                var inner = tx.GetBucket(Bytes.Of("a"))!.GetBucket(Bytes.Of("inner"))!;
                Assert.True(inner.TryGet(Bytes.Of("k1999"), out _));
                Assert.True(inner.GetBucket(Bytes.Of("deepest"))!.TryGet(Bytes.Of("x"), out var y));
                Assert.Equal("y", Bytes.Text(y));
            });
            db.Update(tx => tx.GetBucket(Bytes.Of("a"))!.DeleteBucket(Bytes.Of("inner")));
            db.View(tx =>
            {
                Assert.Null(tx.GetBucket(Bytes.Of("a"))!.GetBucket(Bytes.Of("inner")));
                Assert.True(tx.GetBucket(Bytes.Of("a"))!.TryGet(Bytes.Of("plain"), out _));
            });
        }
    }

    [Fact]
    public void Errors_name_the_problem()
    {
        using var dir = new TempDir();
        using var db = BoltDb.Open(dir.File("db"), Fast);
        db.Update(tx =>
        {
            var b = tx.CreateBucket(Bytes.Of("b"));
            Assert.Equal("bucket already exists", Assert.Throws<BoltException>(() => tx.CreateBucket(Bytes.Of("b"))).Message);
            Assert.Equal("key required", Assert.Throws<BoltException>(() => b.Put(ReadOnlySpan<byte>.Empty, Bytes.Of("v"))).Message);
            Assert.Contains("key too large", Assert.Throws<BoltException>(() => b.Put(new byte[32769], Bytes.Of("v"))).Message);
            b.CreateBucket(Bytes.Of("child"));
            Assert.Contains("incompatible value", Assert.Throws<BoltException>(() => b.Put(Bytes.Of("child"), Bytes.Of("v"))).Message);
            Assert.Equal("bucket not found", Assert.Throws<BoltException>(() => tx.DeleteBucket(Bytes.Of("nope"))).Message);
        });
        db.View(tx => Assert.Equal("tx not writable", Assert.Throws<BoltException>(() => tx.CreateBucket(Bytes.Of("x"))).Message));
    }

    [Fact]
    public void Max_size_key_and_large_overflow_value_round_trip()
    {
        using var dir = new TempDir();
        string path = dir.File("db");
        var bigKey = new byte[BoltLimits.MaxKeySize];
        Random.Shared.NextBytes(bigKey);
        var bigValue = new byte[1_000_000];
        new Random(7).NextBytes(bigValue);
        using (var db = BoltDb.Open(path, Fast))
            db.Update(tx =>
            {
                var b = tx.CreateBucket(Bytes.Of("b"));
                b.Put(bigKey, Bytes.Of("k"));
                b.Put(Bytes.Of("big"), bigValue);
            });
        using (var db = BoltDb.Open(path, Fast))
            db.View(tx =>
            {
                var b = tx.GetBucket(Bytes.Of("b"))!;
                Assert.True(b.TryGet(bigKey, out var k));
                Assert.Equal("k", Bytes.Text(k));
                Assert.True(b.TryGet(Bytes.Of("big"), out var v));
                Assert.True(v.SequenceEqual(bigValue));
                Assert.True(b.Stats().LeafOverflowN >= 244);
            });
    }

    [Fact]
    public void Sequences_persist()
    {
        using var dir = new TempDir();
        string path = dir.File("db");
        using (var db = BoltDb.Open(path, Fast))
            db.Update(tx =>
            {
                var b = tx.CreateBucket(Bytes.Of("b"));
                Assert.Equal(1UL, b.NextSequence());
                Assert.Equal(2UL, b.NextSequence());
            });
        using (var db = BoltDb.Open(path, Fast))
        {
            db.Update(tx => tx.GetBucket(Bytes.Of("b"))!.SetSequence(1000));
            db.View(tx => Assert.Equal(1000UL, tx.GetBucket(Bytes.Of("b"))!.Sequence));
        }
    }

    [Fact]
    public void Rollback_discards_changes_and_frees_nothing_twice()
    {
        using var dir = new TempDir();
        using var db = BoltDb.Open(dir.File("db"), Fast);
        db.Update(tx => tx.CreateBucket(Bytes.Of("b")).Put(Bytes.Of("k"), Bytes.Of("1")));
        using (var tx = db.BeginWrite())
        {
            var b = tx.GetBucket(Bytes.Of("b"))!;
            for (int i = 0; i < 1000; i++) b.Put(Bytes.Of($"x{i}"), new byte[100]);
            b.Delete(Bytes.Of("k"));
            tx.Rollback();
        }
        db.Update(tx => tx.GetBucket(Bytes.Of("b"))!.Put(Bytes.Of("k2"), Bytes.Of("2")));
        db.View(tx =>
        {
            var b = tx.GetBucket(Bytes.Of("b"))!;
            Assert.True(b.TryGet(Bytes.Of("k"), out _));
            Assert.False(b.TryGet(Bytes.Of("x1"), out _));
            Assert.Equal(2, b.Stats().KeyN);
        });
    }
}

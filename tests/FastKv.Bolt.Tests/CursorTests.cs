// Cursor positioning and deletion while iterating.
namespace FastKv.Bolt.Tests;

public class CursorTests
{
    private static BoltDb Filled(TempDir dir, int count)
    {
        var db = BoltDb.Open(dir.File("db"), new BoltOptions { NoSync = true });
        db.Update(tx =>
        {
            var b = tx.CreateBucket(Bytes.Of("b"));
            for (int i = 0; i < count; i++) b.Put(Bytes.Of($"{i * 2:D6}"), Bytes.Of($"v{i}"));
        });
        return db;
    }

    [Fact]
    public void Seek_lands_on_the_key_or_the_next_one_across_pages()
    {
        using var dir = new TempDir();
        using var db = Filled(dir, 5000);
        db.View(tx =>
        {
            var c = tx.GetBucket(Bytes.Of("b"))!.Cursor();
            Assert.True(c.Seek(Bytes.Of("000100"), out var k, out var v));
            Assert.Equal("000100", Bytes.Text(k));
            Assert.Equal("v50", Bytes.Text(v));
            Assert.True(c.Seek(Bytes.Of("000101"), out k, out _));
            Assert.Equal("000102", Bytes.Text(k));
            Assert.True(c.Seek(Bytes.Of(""), out k, out _));
            Assert.Equal("000000", Bytes.Text(k));
            Assert.False(c.Seek(Bytes.Of("999999"), out _, out _));
            // From past the end, Prev returns the last key.
            Assert.True(c.Prev(out k, out _));
            Assert.Equal("009998", Bytes.Text(k));
            Assert.True(c.Seek(Bytes.Of("004000"), out _, out _));
            Assert.True(c.Prev(out k, out _));
            Assert.Equal("003998", Bytes.Text(k));
        });
    }

    [Fact]
    public void Deleting_every_other_key_while_iterating_visits_each_key_once()
    {
        using var dir = new TempDir();
        using var db = Filled(dir, 3000);
        var seen = new List<string>();
        db.Update(tx =>
        {
            var c = tx.GetBucket(Bytes.Of("b"))!.Cursor();
            int i = 0;
            for (bool ok = c.First(out var k, out _); ok; ok = c.Next(out k, out _), i++)
            {
                seen.Add(Bytes.Text(k));
                if (i % 2 == 0) c.Delete();
            }
        });
        Assert.Equal(Enumerable.Range(0, 3000).Select(i => $"{i * 2:D6}"), seen);
        db.View(tx =>
        {
            var left = new List<string>();
            tx.GetBucket(Bytes.Of("b"))!.ForEach((k, _) => left.Add(Bytes.Text(k)));
            Assert.Equal(Enumerable.Range(0, 3000).Where(i => i % 2 == 1).Select(i => $"{i * 2:D6}"), left);
        });
    }

    [Fact]
    public void Deleting_everything_through_a_cursor_empties_the_bucket()
    {
        using var dir = new TempDir();
        using var db = Filled(dir, 2000);
        db.Update(tx =>
        {
            var c = tx.GetBucket(Bytes.Of("b"))!.Cursor();
            int deleted = 0;
            for (bool ok = c.First(out _, out _); ok && deleted < 10_000; ok = c.Next(out _, out _))
            {
                c.Delete();
                deleted++;
            }
            Assert.Equal(2000, deleted);
        });
        db.View(tx =>
        {
            var c = tx.GetBucket(Bytes.Of("b"))!.Cursor();
            Assert.False(c.First(out _, out _));
            Assert.False(c.Last(out _, out _));
        });
    }

    [Fact]
    public void Nested_buckets_show_as_buckets_with_empty_values()
    {
        using var dir = new TempDir();
        using var db = BoltDb.Open(dir.File("db"), new BoltOptions { NoSync = true });
        db.Update(tx =>
        {
            var b = tx.CreateBucket(Bytes.Of("b"));
            b.Put(Bytes.Of("a"), Bytes.Of("1"));
            b.CreateBucket(Bytes.Of("m"));
            b.Put(Bytes.Of("z"), Bytes.Of("2"));
        });
        db.View(tx =>
        {
            var c = tx.GetBucket(Bytes.Of("b"))!.Cursor();
            var items = new List<(string, bool, int)>();
            for (bool ok = c.First(out var k, out var v); ok; ok = c.Next(out k, out v)) items.Add((Bytes.Text(k), c.IsBucket, v.Length));
            Assert.Equal(new[] { ("a", false, 1), ("m", true, 0), ("z", false, 1) }, items);
            Assert.False(tx.GetBucket(Bytes.Of("b"))!.TryGet(Bytes.Of("m"), out _));
        });
    }
}

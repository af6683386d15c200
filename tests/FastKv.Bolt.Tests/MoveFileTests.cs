// BoltDb.MoveFile: the open file takes another name, replacing what was there, and stays usable.
using System.Text;

namespace FastKv.Bolt.Tests;

public class MoveFileTests
{
    [Fact]
    public void An_open_file_renamed_over_another_replaces_it_and_keeps_serving()
    {
        using var dir = new TempDir();
        string live = dir.File("db"), copy = dir.File("db.new");
        using (var old = BoltDb.Open(live))
            old.Update(tx => tx.CreateBucket("b"u8).Put("k"u8, "old"u8));

        var db = BoltDb.Open(copy);
        try
        {
            db.Update(tx => tx.CreateBucket("b"u8).Put("k"u8, "new"u8));
            using var before = db.BeginRead();
            db.MoveFile(live);
            Assert.Equal(Path.GetFullPath(live), db.Path);
            Assert.False(File.Exists(copy));
            // Readers from before the rename and writers after it both carry on.
            Assert.Equal("new", Encoding.ASCII.GetString(before.GetBucket("b"u8)!.Get("k"u8)!));
            db.Update(tx => tx.GetBucket("b"u8)!.Put("k2"u8, "after"u8));
        }
        finally
        {
            db.Dispose();
        }
        using var reopened = BoltDb.Open(live, new BoltOptions { ReadOnly = true });
        reopened.View(tx =>
        {
            Assert.Equal("new", Encoding.ASCII.GetString(tx.GetBucket("b"u8)!.Get("k"u8)!));
            Assert.Equal("after", Encoding.ASCII.GetString(tx.GetBucket("b"u8)!.Get("k2"u8)!));
        });
    }

    [Fact]
    public void A_closed_database_refuses_to_move()
    {
        using var dir = new TempDir();
        var db = BoltDb.Open(dir.File("db"));
        db.Dispose();
        Assert.Throws<BoltException>(() => db.MoveFile(dir.File("other")));
        Assert.True(File.Exists(dir.File("db")));
    }
}

// CompactTo on damaged and small files.
namespace FastKv.Bolt.Tests;

public class CompactionTests
{
    [Fact]
    public void Compacting_a_tree_with_a_page_referenced_twice_is_refused_and_leaves_no_file()
    {
        using var dir = new TempDir();
        using var db = BoltDb.Open(Fixtures.Path("corrupt/branch-double-reference.db"), new BoltOptions { ReadOnly = true });
        string output = dir.File("out.db");
        var e = Assert.Throws<BoltCorruptionException>(() => db.CompactTo(output));
        Assert.Contains("keys out of order in bucket key", e.Message);
        Assert.False(File.Exists(output));
        Assert.False(File.Exists(output + ".compacting"));
    }

    [Fact]
    public void A_compacted_copy_is_no_larger_than_its_pages()
    {
        using var dir = new TempDir();
        using var db = BoltDb.Open(Fixtures.Path("etcd-3.4-snapshot.db"), new BoltOptions { ReadOnly = true });
        var result = db.CompactTo(dir.File("out.db"));
        Assert.True(result.SizeAfter <= result.SizeBefore, $"{result.SizeBefore} -> {result.SizeAfter}");
        using var copy = BoltDb.Open(result.Path, new BoltOptions { ReadOnly = true });
        Assert.Equal(result.SizeAfter, (long)copy.CurrentMeta.Pgid * copy.PageSize);
        Assert.Equal(220, result.Keys);
        var (code, text) = Compat.ReferenceBbolt.Invoke("check", result.Path);
        Assert.True(code == 0, text);
    }
}

// Check() for an open database: checks the tree a read transaction sees, in the database's own
// mapping (no second open, so it works while the file is locked by this process's writer). Pages
// of that snapshot cannot be reused while the transaction is open, so writers may go on meanwhile.
namespace FastKv.Bolt.Check;

public static class DatabaseCheck
{
    /// <summary>Checks the latest committed state of <paramref name="db"/>.</summary>
    public static CheckReport Check(this BoltDb db)
    {
        using var tx = db.BeginRead();
        return tx.Check();
    }

    /// <summary>Checks the tree <paramref name="tx"/> sees: its meta, its pages, the freelist its meta names.</summary>
    public static unsafe CheckReport Check(this Tx tx)
    {
        tx.EnsureOpen();
        var mapping = tx.Mapping;
        // The map may reach past the end of the file (it is sized ahead of growth); bytes there are not the file's.
        long length = Math.Min(mapping.Length, new FileInfo(tx.Db.Path).Length);
        var file = new RawPageFile(mapping.Base, length, owner: null, path: tx.Db.Path);
        return BoltChecker.Check(file, tx.Meta, explicitFreeIds: null);
    }
}

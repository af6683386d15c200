// The fixture files the checker and repair tests use, by name (located through the shared Fixtures helper).
namespace FastKv.Bolt.Tests.Check;

internal static class ToolFixtures
{
    public static string Snapshot => Fixtures.Path("etcd-3.4-snapshot.db");
    public static string PgidBeyondEof => Fixtures.Path(Path.Combine("corrupt", "meta-pgid-beyond-eof.db"));
    public static string BranchDoubleReference => Fixtures.Path(Path.Combine("corrupt", "branch-double-reference.db"));

    /// <summary>A writable copy of <paramref name="fixture"/> (a full path) in <paramref name="dir"/>.</summary>
    public static string CopyTo(string fixture, TempDir dir)
    {
        string target = dir.File(Path.GetFileName(fixture));
        File.Copy(fixture, target);
        File.SetAttributes(target, FileAttributes.Normal);
        return target;
    }
}

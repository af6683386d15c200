// Temp directories that clean up after themselves, and the path of the shared etcd fixtures.
namespace FastKv.Bolt.Tests;

public sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("fastkv-bolt-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

public static class Fixtures
{
    /// <summary>../shared/fixtures beside the repository (the folder holding FastKv.sln).</summary>
    public static string Dir
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "FastKv.sln")))
                    return System.IO.Path.GetFullPath(System.IO.Path.Combine(dir.FullName, "..", "shared", "fixtures"));
            throw new DirectoryNotFoundException("FastKv.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static string Path(string name) => System.IO.Path.Combine(Dir, name);

    /// <summary>A writable copy of a fixture in <paramref name="dir"/>.</summary>
    public static string Copy(string name, TempDir dir)
    {
        string target = dir.File(System.IO.Path.GetFileName(name));
        System.IO.File.Copy(Path(name), target);
        System.IO.File.SetAttributes(target, FileAttributes.Normal);
        return target;
    }
}

public static class Bytes
{
    public static byte[] Of(string s) => System.Text.Encoding.UTF8.GetBytes(s);
    public static string Text(ReadOnlySpan<byte> b) => System.Text.Encoding.UTF8.GetString(b);
}

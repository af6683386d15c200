// A directory under the system temp folder for one test, deleted on dispose.
namespace FastKv.TestSupport;

public sealed class TempDir : IDisposable
{
    public TempDir(string prefix = "fastkv-test-")
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
    }

    public string Path { get; }

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

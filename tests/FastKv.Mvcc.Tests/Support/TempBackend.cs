// A Backend on a fresh file in a temporary directory, deleted afterwards; Reopen commits,
// closes and opens the same file again to prove what was persisted.
using FastKv.Mvcc.Storage;

namespace FastKv.Mvcc.Tests.Support;

public sealed class TempBackend : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "fastkv-lease-" + Guid.NewGuid().ToString("N"));

    public TempBackend()
    {
        Directory.CreateDirectory(_dir);
        Backend = Backend.Open(FilePath, new BackendOptions { NoSync = true });
    }

    public string FilePath => Path.Combine(_dir, "db");
    public Backend Backend { get; private set; }

    public Backend Reopen()
    {
        Backend.Dispose();
        Backend = Backend.Open(FilePath, new BackendOptions { NoSync = true });
        return Backend;
    }

    public void Dispose()
    {
        Backend.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

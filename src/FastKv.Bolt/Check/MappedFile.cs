// A read-only memory map of a whole file, exposed as a base pointer and a length. Checking works on
// the raw bytes so that files the database refuses to open can still be examined.
using System.IO.MemoryMappedFiles;

namespace FastKv.Bolt.Check;

internal sealed unsafe class MappedFile : IDisposable
{
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private bool _disposed;

    public byte* Base { get; }
    public long Length { get; }

    public MappedFile(string path)
    {
        using var stream = OpenShared(path);
        Length = stream.Length;
        if (Length == 0)
            return; // An empty file cannot be mapped; callers see Length 0 and report it.
        _map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        _view = _map.CreateViewAccessor(0, Length, MemoryMappedFileAccess.Read);
        byte* pointer = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        Base = pointer + _view.PointerOffset;
    }

    /// <summary>Opens for reading under a shared lock; a writer's exclusive lock means a live database.</summary>
    private static FileStream OpenShared(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (IOException e) when ((e.HResult & 0xFFFF) is 11 or 32)
        {
            // .NET reports a refused flock as EWOULDBLOCK (11) on Unix, a sharing violation (32) on Windows.
            throw new IOException($"{path} is locked by another process (a running etcd or FastKv member?): " +
                                  "stop it first, or examine a copy (e.g. one taken with `etcdctl snapshot save`)", e);
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_view != null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }
        _map?.Dispose();
    }
}

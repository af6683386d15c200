// One open WAL segment (or preallocated spare): its handle, its exclusive lock, and positional writes.
// The lock is held for as long as the segment is part of a live WAL, so a second writer fails fast
// and the purger can tell a released segment from one still in use.
using Microsoft.Win32.SafeHandles;

namespace FastKv.Wal;

internal sealed class SegmentFile : IDisposable
{
    private SegmentFile(string path, SafeFileHandle handle)
    {
        Path = path;
        Handle = handle;
    }

    public string Path { get; private set; }

    public SafeFileHandle Handle { get; }

    /// <summary>How long to keep retrying a busy lock before concluding another writer holds it.</summary>
    public static readonly TimeSpan LockPatience = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Opens (or creates) a file for writing and locks it; throws <see cref="WalLockedException"/> if the lock
    /// stays taken for <paramref name="patience"/>. The retry matters because a lock can outlive its close by
    /// a moment: a child process forked by any thread of this process shares the descriptor until it execs.
    /// </summary>
    public static SegmentFile OpenLocked(string path, bool create, TimeSpan patience)
    {
        var handle = NativeIo.Open(path, write: true, create: create);
        try
        {
            long deadline = Environment.TickCount64 + (long)patience.TotalMilliseconds;
            while (!NativeIo.TryLockExclusive(handle))
            {
                if (Environment.TickCount64 >= deadline)
                    throw new WalLockedException(path);
                Thread.Sleep(10);
            }
            return new SegmentFile(path, handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public long Length => RandomAccess.GetLength(Handle);

    public void Write(ReadOnlySpan<byte> data, long offset) => RandomAccess.Write(Handle, data, offset);

    public void DataSync() => NativeIo.DataSync(Handle);

    public void Truncate(long length) => RandomAccess.SetLength(Handle, length);

    public void Preallocate(long length) => NativeIo.Preallocate(Handle, length);

    /// <summary>Renames the file while keeping it open and locked (the lock follows the inode).</summary>
    public void RenameTo(string newPath)
    {
        File.Move(Path, newPath, overwrite: false);
        Path = newPath;
    }

    /// <summary>Records a new path after the containing directory was renamed.</summary>
    public void RelocatedTo(string newPath) => Path = newPath;

    /// <summary>Zeroes [offset, end) and keeps the blocks reserved, so stale bytes can never be read as records.</summary>
    public void ZeroFrom(long offset)
    {
        long length = Length;
        if (offset >= length)
            return;
        Truncate(offset);
        Preallocate(length);
        DataSync();
    }

    public void Dispose() => Handle.Dispose();
}

// The few libc calls the page file needs that .NET does not expose: mmap/munmap for zero-copy
// reads, fdatasync (FileStream.Flush(true) is a full fsync), pwritev to write a run of separate
// buffers to adjacent pages in one call, and flock with a non-blocking try.
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace FastKv.Bolt.Io;

internal static unsafe partial class Posix
{
    public const int ProtRead = 0x1;
    public const int ProtWrite = 0x2;
    public const int MapShared = 0x01;
    public const int MadvRandom = 1;
    public const int LockShared = 1;
    public const int LockExclusive = 2;
    public const int LockNonBlocking = 4;
    public const int LockUnlock = 8;
    /// <summary>IOV_MAX on Linux.</summary>
    public const int MaxIovecs = 1024;

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public void* Base;
        public nuint Length;
    }


    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial nint MmapRaw(nint addr, nuint length, int prot, int flags, int fd, long offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static partial int MunmapRaw(nint addr, nuint length);

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int MadviseRaw(nint addr, nuint length, int advice);

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int FdatasyncRaw(int fd);

    [LibraryImport("libc", EntryPoint = "pwritev", SetLastError = true)]
    private static partial nint PwritevRaw(int fd, IoVec* iov, int iovcnt, long offset);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int FlockRaw(int fd, int operation);

    public static int Fd(SafeFileHandle handle) => (int)handle.DangerousGetHandle();

    public static byte* Map(SafeFileHandle file, long length, bool writable)
    {
        nint p = MmapRaw(0, (nuint)length, writable ? ProtRead | ProtWrite : ProtRead, MapShared, Fd(file), 0);
        if (p == -1)
            throw new IOException($"mmap of {length} bytes failed: errno {Marshal.GetLastPInvokeError()}");
        // Point lookups touch pages at random; read-ahead would only waste cache.
        MadviseRaw(p, (nuint)length, MadvRandom);
        return (byte*)p;
    }

    public static void Unmap(byte* p, long length)
    {
        if (MunmapRaw((nint)p, (nuint)length) != 0)
            throw new IOException($"munmap failed: errno {Marshal.GetLastPInvokeError()}");
    }

    public static void Fdatasync(SafeFileHandle file)
    {
        if (FdatasyncRaw(Fd(file)) != 0)
            throw new IOException($"fdatasync failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Writes all of <paramref name="iov"/> at <paramref name="offset"/>, retrying short writes.</summary>
    public static void WriteGathered(SafeFileHandle file, Span<IoVec> iov, long offset)
    {
        int fd = Fd(file);
        int first = 0;
        while (first < iov.Length)
        {
            int count = Math.Min(iov.Length - first, MaxIovecs);
            nint written;
            fixed (IoVec* p = &iov[first])
                written = PwritevRaw(fd, p, count, offset);
            if (written < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == 4) continue; // EINTR
                throw new IOException($"pwritev at offset {offset} failed: errno {errno}");
            }
            offset += written;
            // Drop fully written vectors; trim a partially written one.
            while (written > 0 && first < iov.Length)
            {
                nint len = (nint)iov[first].Length;
                if (written >= len) { written -= len; first++; }
                else
                {
                    iov[first].Base = (byte*)iov[first].Base + written;
                    iov[first].Length -= (nuint)written;
                    written = 0;
                }
            }
        }
    }

    /// <summary>Tries to take a flock; false when another open file holds a conflicting one.</summary>
    public static bool TryLock(SafeFileHandle file, bool exclusive)
    {
        int op = (exclusive ? LockExclusive : LockShared) | LockNonBlocking;
        if (FlockRaw(Fd(file), op) == 0) return true;
        int errno = Marshal.GetLastPInvokeError();
        if (errno == 11) return false; // EWOULDBLOCK
        throw new IOException($"flock failed: errno {errno}");
    }
}

// The Linux calls .NET does not expose: fdatasync (flush data and the metadata needed to read it back,
// not timestamps), fallocate (reserve blocks so later writes do not allocate), and flock.
// On other platforms the portable equivalents are used: a full flush, SetLength, and no lock.
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace FastKv.Wal;

internal static partial class NativeIo
{
    private const int LOCK_EX = 2;
    private const int LOCK_NB = 4;
    private const int LOCK_UN = 8;
    private const int EINTR = 4;
    private const int EWOULDBLOCK = 11;
    private const int EOPNOTSUPP = 95;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fdatasync(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fsync(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fallocate(int fd, int mode, long offset, long length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open_file(string path, int flags, int mode);

    private const int O_RDONLY = 0;
    private const int O_RDWR = 2;
    private const int O_CREAT = 0x40;
    private const int O_CLOEXEC = 0x80000;

    // O_DIRECT differs between architectures (x86-64: 040000, arm64: 0200000, octal).
    private static int ODirect => RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x10000 : 0x4000;

    /// <summary>
    /// Opens a file without .NET's implicit advisory lock (which would make our own readers collide with
    /// our own writer); locking is done explicitly with <see cref="TryLockExclusive"/>.
    /// </summary>
    public static SafeFileHandle Open(string path, bool write, bool create, bool direct = false)
    {
        if (!OperatingSystem.IsLinux())
        {
            if (direct)
                throw new PlatformNotSupportedException("direct I/O is only supported on Linux");
            return File.OpenHandle(path, create ? FileMode.OpenOrCreate : FileMode.Open,
                write ? FileAccess.ReadWrite : FileAccess.Read, write ? FileShare.Read : FileShare.ReadWrite);
        }
        int flags = (write ? O_RDWR : O_RDONLY) | (create ? O_CREAT : 0) | O_CLOEXEC | (direct ? ODirect : 0);
        int fd;
        do fd = open_file(path, flags, Convert.ToInt32("600", 8));
        while (fd < 0 && Marshal.GetLastPInvokeError() == EINTR);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            string message = $"cannot open {path}: {Marshal.GetPInvokeErrorMessage(errno)}";
            if (errno == 2) throw new FileNotFoundException(message, path);
            if (errno == 13) throw new UnauthorizedAccessException(message);
            throw new IOException(message);
        }
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    private static int Fd(SafeFileHandle handle) => (int)handle.DangerousGetHandle();

    public static void DataSync(SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux())
        {
            RandomAccess.FlushToDisk(handle);
            return;
        }
        bool added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            int rc;
            do rc = fdatasync(Fd(handle));
            while (rc != 0 && Marshal.GetLastPInvokeError() == EINTR);
            if (rc != 0)
                throw new IOException($"fdatasync failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    /// <summary>fsync of a directory, so a create or rename inside it survives a crash.</summary>
    public static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
            return;
        using var handle = Open(directory, write: false, create: false);
        int rc;
        do rc = fsync(Fd(handle));
        while (rc != 0 && Marshal.GetLastPInvokeError() == EINTR);
        if (rc != 0)
            throw new IOException($"fsync of directory {directory} failed: {Marshal.GetLastPInvokeErrorMessage()}");
    }

    /// <summary>Reserves [0, length) so later writes neither allocate blocks nor change the file size.</summary>
    public static void Preallocate(SafeFileHandle handle, long length)
    {
        if (OperatingSystem.IsLinux())
        {
            bool added = false;
            handle.DangerousAddRef(ref added);
            try
            {
                int rc;
                do rc = fallocate(Fd(handle), 0, 0, length);
                while (rc != 0 && Marshal.GetLastPInvokeError() == EINTR);
                if (rc == 0)
                    return;
                if (Marshal.GetLastPInvokeError() != EOPNOTSUPP)
                    throw new IOException($"fallocate of {length} bytes failed: {Marshal.GetLastPInvokeErrorMessage()}");
            }
            finally
            {
                if (added) handle.DangerousRelease();
            }
        }
        // File systems without fallocate (tmpfs on old kernels, some FUSE): extend with zeros instead.
        if (RandomAccess.GetLength(handle) < length)
            RandomAccess.SetLength(handle, length);
    }

    /// <summary>Takes an exclusive lock without waiting; false when someone else holds it.</summary>
    public static bool TryLockExclusive(SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux())
            return true; // elsewhere FileShare.None on open already excludes other writers.
        bool added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            int rc;
            do rc = flock(Fd(handle), LOCK_EX | LOCK_NB);
            while (rc != 0 && Marshal.GetLastPInvokeError() == EINTR);
            if (rc == 0)
                return true;
            if (Marshal.GetLastPInvokeError() == EWOULDBLOCK)
                return false;
            throw new IOException($"flock failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }
}

// fsync of a directory, which .NET cannot open as a file: a rename is durable only once the
// directory holding the new name has been synced.
using System.Runtime.InteropServices;

namespace FastKv.Bolt.Io;

internal static partial class Posix
{
    // O_DIRECTORY is left out: fsync needs only a read-only descriptor, and its value differs by
    // architecture (0x10000 on x86-64 is O_DIRECT on arm64, which a directory refuses).
    private const int OpenReadOnly = 0;
    private const int OpenCloseOnExec = 0x80000;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenRaw(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FsyncRaw(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int CloseRaw(int fd);

    public static void SyncDirectory(string directory)
    {
        int fd = OpenRaw(directory, OpenReadOnly | OpenCloseOnExec);
        if (fd < 0) throw new IOException($"open of directory {directory} failed: errno {Marshal.GetLastPInvokeError()}");
        try
        {
            if (FsyncRaw(fd) != 0)
                throw new IOException($"fsync of directory {directory} failed: errno {Marshal.GetLastPInvokeError()}");
        }
        finally
        {
            CloseRaw(fd);
        }
    }
}

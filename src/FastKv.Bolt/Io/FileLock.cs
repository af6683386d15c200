// Opens the page file under an flock: exclusive for a writer, shared for read-only opens, so two
// processes never write one file and a reader never sees a writer's file change underneath.
using Microsoft.Win32.SafeHandles;

namespace FastKv.Bolt.Io;

internal static class FileLock
{
    public static SafeFileHandle OpenLocked(string path, BoltOptions options)
    {
        var deadline = DateTime.UtcNow + options.LockTimeout;
        while (true)
        {
            SafeFileHandle? file = null;
            try
            {
                file = File.OpenHandle(path,
                    options.ReadOnly ? FileMode.Open : FileMode.OpenOrCreate,
                    options.ReadOnly ? FileAccess.Read : FileAccess.ReadWrite,
                    FileShare.ReadWrite);
                if (Posix.TryLock(file, exclusive: !options.ReadOnly)) return file;
            }
            catch (IOException e) when (IsSharingViolation(e))
            {
                // .NET's own advisory lock said no; same meaning as ours.
            }
            catch
            {
                file?.Dispose();
                throw;
            }
            file?.Dispose();
            if (DateTime.UtcNow >= deadline) throw new BoltLockedException(path);
            Thread.Sleep(50);
        }
    }

    // On Unix .NET reports its failed flock with the raw errno (EWOULDBLOCK, 11); elsewhere as ERROR_SHARING_VIOLATION (32).
    private static bool IsSharingViolation(IOException e) => (e.HResult & 0xFFFF) is 11 or 32;
}

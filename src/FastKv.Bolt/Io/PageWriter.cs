// Writes a commit's dirty pages in page order, one gathered write (pwritev) per run of adjacent
// pages, so a sequential load costs a handful of syscalls rather than one per page.
using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace FastKv.Bolt.Io;

internal static unsafe class PageWriter
{
    public static void WriteSorted(SafeFileHandle file, Dictionary<ulong, (nint Buffer, int Pages)> dirty, int pageSize)
    {
        if (dirty.Count == 0) return;
        ulong[] ids = ArrayPool<ulong>.Shared.Rent(dirty.Count);
        var iov = ArrayPool<Posix.IoVec>.Shared.Rent(Math.Min(dirty.Count, Posix.MaxIovecs));
        try
        {
            dirty.Keys.CopyTo(ids, 0);
            var sorted = ids.AsSpan(0, dirty.Count);
            sorted.Sort();
            int run = 0;
            ulong runStart = 0, next = 0;
            foreach (ulong id in sorted)
            {
                var (buffer, pages) = dirty[id];
                if (run > 0 && (id != next || run == Posix.MaxIovecs))
                {
                    Posix.WriteGathered(file, iov.AsSpan(0, run), (long)runStart * pageSize);
                    run = 0;
                }
                if (run == 0) runStart = id;
                iov[run++] = new Posix.IoVec { Base = (void*)buffer, Length = (nuint)((long)pages * pageSize) };
                next = id + (ulong)pages;
            }
            if (run > 0) Posix.WriteGathered(file, iov.AsSpan(0, run), (long)runStart * pageSize);
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(ids);
            ArrayPool<Posix.IoVec>.Shared.Return(iov);
        }
    }
}

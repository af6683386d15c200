// Writes a commit's new pages in page order, one gathered write (pwritev) per run of adjacent
// pages, so a sequential load costs a handful of syscalls rather than one per page. Writing with
// pwrite rather than through a writable map keeps fdatasync cheap: pages dirtied through a map must
// be write-protected again at writeback, a TLB shootdown across every thread of the process.
using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace FastKv.Bolt.Io;

/// <summary>A page (and its overflow) a write transaction built, waiting to be written at commit.</summary>
internal readonly record struct DirtyPage(ulong Pgid, nint Buffer, int Pages);

internal static unsafe class PageWriter
{
    /// <summary>Writes <paramref name="dirty"/> sorted by page id; <paramref name="runWritten"/> (tests) sees
    /// each gathered write as its first page id and page count.</summary>
    public static void WriteSorted(SafeFileHandle file, List<DirtyPage> dirty, int pageSize, Action<ulong, int>? runWritten = null)
    {
        if (dirty.Count == 0) return;
        var pages = CollectionsMarshal.AsSpan(dirty);
        pages.Sort(static (a, b) => a.Pgid.CompareTo(b.Pgid));
        var iov = ArrayPool<Posix.IoVec>.Shared.Rent(Math.Min(pages.Length, Posix.MaxIovecs));
        try
        {
            int run = 0;
            ulong runStart = 0, next = 0;
            foreach (var page in pages)
            {
                if (run > 0 && (page.Pgid != next || run == Posix.MaxIovecs))
                {
                    Posix.WriteGathered(file, iov.AsSpan(0, run), (long)runStart * pageSize);
                    runWritten?.Invoke(runStart, (int)(next - runStart));
                    run = 0;
                }
                if (run == 0) runStart = page.Pgid;
                iov[run++] = new Posix.IoVec { Base = (void*)page.Buffer, Length = (nuint)((long)page.Pages * pageSize) };
                next = page.Pgid + (ulong)page.Pages;
            }
            if (run > 0)
            {
                Posix.WriteGathered(file, iov.AsSpan(0, run), (long)runStart * pageSize);
                runWritten?.Invoke(runStart, (int)(next - runStart));
            }
        }
        finally
        {
            ArrayPool<Posix.IoVec>.Shared.Return(iov);
        }
    }
}

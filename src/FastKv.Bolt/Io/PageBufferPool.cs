// Native buffers the writer builds new pages in. Single pages are pooled across transactions, so a
// steady stream of commits neither mallocs nor clears them (the node writer zeroes what it does not
// fill); multi-page buffers for overflow values are allocated and freed each time. Only the writer
// uses the pool, under the database's writer lock.
using System.Runtime.InteropServices;

namespace FastKv.Bolt.Io;

internal sealed unsafe class PageBufferPool(int pageSize) : IDisposable
{
    /// <summary>At most this many idle single-page buffers are kept (16 MiB of 4 KiB pages).</summary>
    private const int MaxPooled = 4096;
    private readonly Stack<nint> _free = new();

    public byte* Rent(int pages)
    {
        if (pages == 1 && _free.TryPop(out nint pooled)) return (byte*)pooled;
        return (byte*)NativeMemory.Alloc((nuint)pages * (nuint)pageSize);
    }

    public void Return(nint buffer, int pages)
    {
        if (pages == 1 && _free.Count < MaxPooled) _free.Push(buffer);
        else NativeMemory.Free((void*)buffer);
    }

    public void Dispose()
    {
        while (_free.TryPop(out nint buffer)) NativeMemory.Free((void*)buffer);
    }
}

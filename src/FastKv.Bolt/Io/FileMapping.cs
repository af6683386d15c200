// One shared mmap of the page file: read-only for read-only opens, read-write otherwise (the writer
// builds new pages directly in it). Growing the file means mapping it again; the old mapping stays
// valid until the last transaction that holds it lets go, so spans a reader already took never
// dangle and a remap never waits for readers.
namespace FastKv.Bolt.Io;

internal sealed unsafe class FileMapping
{
    public readonly byte* Base;
    public readonly long Length;
    private int _refs = 1; // the database's own reference

    private FileMapping(byte* @base, long length)
    {
        Base = @base;
        Length = length;
    }

    public static FileMapping Map(Microsoft.Win32.SafeHandles.SafeFileHandle file, long length, bool writable) =>
        new(Posix.Map(file, length, writable), length);

    public void AddRef() => Interlocked.Increment(ref _refs);

    public void Release()
    {
        if (Interlocked.Decrement(ref _refs) == 0)
            Posix.Unmap(Base, Length);
    }

    /// <summary>bbolt's sizing rule: powers of two from 32 KiB to 1 GiB, then whole GiB steps.</summary>
    public static long SizeFor(long needed, int pageSize)
    {
        for (int shift = 15; shift <= 30; shift++)
            if (needed <= 1L << shift) return 1L << shift;
        const long GiB = 1L << 30;
        long size = (needed + GiB - 1) / GiB * GiB;
        return (size + pageSize - 1) / pageSize * pageSize;
    }
}

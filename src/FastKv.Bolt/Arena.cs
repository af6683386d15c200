// Native memory for the keys and values a write transaction puts, so a put allocates nothing on
// the managed heap. Bump-allocated in 64 KiB chunks (large values get their own) and freed in one
// go when the transaction ends.
using System.Runtime.InteropServices;

namespace FastKv.Bolt;

internal sealed unsafe class Arena : IDisposable
{
    private const int ChunkSize = 64 * 1024;
    private readonly List<nint> _chunks = new();
    private byte* _next;
    private int _left;

    public ByteRef Copy(ReadOnlySpan<byte> bytes)
    {
        byte* p = Allocate(bytes.Length);
        bytes.CopyTo(new Span<byte>(p, bytes.Length));
        return new ByteRef(p, bytes.Length);
    }

    /// <summary><paramref name="length"/> zeroed bytes.</summary>
    public ByteRef Zeroed(int length)
    {
        byte* p = Allocate(length);
        new Span<byte>(p, length).Clear();
        return new ByteRef(p, length);
    }

    private byte* Allocate(int length)
    {
        if (length > ChunkSize / 4)
        {
            byte* own = (byte*)NativeMemory.Alloc((nuint)Math.Max(length, 1));
            _chunks.Add((nint)own);
            return own;
        }
        if (length > _left)
        {
            _next = (byte*)NativeMemory.Alloc(ChunkSize);
            _chunks.Add((nint)_next);
            _left = ChunkSize;
        }
        byte* p = _next;
        _next += length;
        _left -= length;
        return p;
    }

    public void Dispose()
    {
        foreach (nint chunk in _chunks) NativeMemory.Free((void*)chunk);
        _chunks.Clear();
        _next = null;
        _left = 0;
    }
}

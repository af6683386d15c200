// Memory for the keys and values a write transaction puts, so a put allocates nothing on the
// managed heap. Bump-allocated in 64 KiB pinned chunks that the database's writer keeps from one
// transaction to the next (see WriterPool); values too large for a chunk get native memory of their
// own, freed when the transaction ends. Pointers into it are valid until the transaction ends.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FastKv.Bolt;

internal sealed unsafe class Arena
{
    private const int ChunkSize = 64 * 1024;
    // Chunks kept across transactions (4 MiB); a burst of huge transactions does not pin its memory for good.
    private const int KeptChunks = 64;
    // Pinned on the pinned object heap, so pointers into them stay valid; the GC frees them with the arena.
    private readonly List<byte[]> _chunks = new();
    private readonly List<nint> _large = new();
    private int _chunk = -1;
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
            _large.Add((nint)own);
            return own;
        }
        if (length > _left)
        {
            if (++_chunk == _chunks.Count) _chunks.Add(GC.AllocateUninitializedArray<byte>(ChunkSize, pinned: true));
            _next = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_chunks[_chunk]));
            _left = ChunkSize;
        }
        byte* p = _next;
        _next += length;
        _left -= length;
        return p;
    }

    /// <summary>The transaction ended: every pointer handed out is dead; the chunks serve the next one.</summary>
    public void Reset()
    {
        foreach (nint own in _large) NativeMemory.Free((void*)own);
        _large.Clear();
        if (_chunks.Count > KeptChunks) _chunks.RemoveRange(KeptChunks, _chunks.Count - KeptChunks);
        _chunk = -1;
        _next = null;
        _left = 0;
    }
}

// The memory behind one batch's pending writes: values are bump-allocated in reused 64 KiB
// chunks (large ones in pooled arrays), so applying a write allocates nothing once warm.
// Reference-counted, because readers copy pending values after releasing the key space's lock:
// the store holds one reference while the batch is open, each such reader one while it reads,
// and the chunks are reused only after the last release (see PendingWrites).
using System.Buffers;

namespace FastKv.Mvcc.Kv;

internal sealed class PendingArena
{
    private const int ChunkSize = 64 * 1024;
    // Values over this size get their own pooled array rather than wasting the rest of a chunk.
    private const int LargeValue = ChunkSize / 4;
    // Chunks kept across batches; a burst of huge batches does not pin its memory for good.
    private const int KeptChunks = 64;

    private readonly List<byte[]> _chunks = [];
    private readonly List<byte[]> _large = [];
    private readonly Action<PendingArena> _onFree;
    private int _chunk;
    private int _used;
    private int _refs;

    public PendingArena(Action<PendingArena> onFree) => _onFree = onFree;

    /// <summary>Apply thread: room for a value of <paramref name="length"/> bytes, valid until the arena is freed.</summary>
    public Memory<byte> Reserve(int length)
    {
        if (length > LargeValue)
        {
            var own = ArrayPool<byte>.Shared.Rent(length);
            _large.Add(own);
            return own.AsMemory(0, length);
        }
        if (_chunks.Count == 0 || _used + length > ChunkSize)
        {
            if (_chunks.Count > 0) _chunk++;
            if (_chunk == _chunks.Count) _chunks.Add(new byte[ChunkSize]);
            _used = 0;
        }
        var memory = _chunks[_chunk].AsMemory(_used, length);
        _used += length;
        return memory;
    }

    /// <summary>Starts the arena's use for a batch with the store's reference.</summary>
    public void Open()
    {
        _refs = 1;
        _chunk = 0;
        _used = 0;
    }

    /// <summary>A reader keeps the values readable; the caller holds the key space's lock, so the store's reference is still held.</summary>
    public void AddRef() => Interlocked.Increment(ref _refs);

    public void Release()
    {
        if (Interlocked.Decrement(ref _refs) != 0) return;
        foreach (var array in _large) ArrayPool<byte>.Shared.Return(array);
        _large.Clear();
        if (_chunks.Count > KeptChunks) _chunks.RemoveRange(KeptChunks, _chunks.Count - KeptChunks);
        _onFree(this);
    }
}

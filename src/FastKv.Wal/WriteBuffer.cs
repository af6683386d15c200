// A growable byte buffer records are encoded into before they are written out. It keeps its array
// between batches, so once it has grown to the working size, appending allocates nothing.
namespace FastKv.Wal;

internal sealed class WriteBuffer(int initialCapacity = 64 * 1024)
{
    private byte[] _buffer = new byte[initialCapacity];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, Length);

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, Length);

    /// <summary>A writable span of at least <paramref name="size"/> bytes at the end of the data.</summary>
    public Span<byte> GetSpan(int size)
    {
        if (_buffer.Length - Length < size)
            Grow(size);
        return _buffer.AsSpan(Length, size);
    }

    public void Advance(int count) => Length += count;

    public void Clear() => Length = 0;

    private void Grow(int size)
    {
        long wanted = Math.Max((long)_buffer.Length * 2, (long)Length + size);
        if (wanted > Array.MaxLength)
            wanted = Array.MaxLength;
        if (wanted - Length < size)
            throw new InvalidOperationException($"a WAL batch cannot exceed {Array.MaxLength} bytes");
        var bigger = new byte[wanted];
        _buffer.AsSpan(0, Length).CopyTo(bigger);
        _buffer = bigger;
    }
}

// A growable byte buffer that frames are appended to before one socket send carries them all.
// Not thread-safe: the connection appends under its lock and the flusher owns a swapped-out buffer.
namespace FastKv.LoadGen.Http2;

public sealed class OutputBuffer(int initialCapacity = 16 * 1024)
{
    private byte[] _buffer = new byte[initialCapacity];
    private int _length;

    public int Length => _length;

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _length);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    /// <summary>Room for at least <paramref name="size"/> bytes at the end; call Advance with what was used.</summary>
    public Span<byte> GetSpan(int size)
    {
        if (_buffer.Length - _length < size)
        {
            var grown = new byte[Math.Max(_buffer.Length * 2, _length + size)];
            _buffer.AsSpan(0, _length).CopyTo(grown);
            _buffer = grown;
        }
        return _buffer.AsSpan(_length);
    }

    public void Advance(int count) => _length += count;

    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        _length += bytes.Length;
    }

    public void Clear() => _length = 0;
}

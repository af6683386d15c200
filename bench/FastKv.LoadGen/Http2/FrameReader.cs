// Splits the bytes read from the socket into whole frames. The socket reads into FreeSpace; each
// TryRead hands out one frame whose payload stays valid until the next FreeSpace call.
namespace FastKv.LoadGen.Http2;

public sealed class FrameReader
{
    private readonly byte[] _buffer;
    private readonly int _maxFrameSize;
    private int _start;
    private int _end;

    /// <param name="maxFrameSize">The SETTINGS_MAX_FRAME_SIZE this side advertised; a longer frame is a FRAME_SIZE_ERROR.</param>
    public FrameReader(int maxFrameSize = FrameHeader.DefaultMaxFrameSize, int bufferSize = 64 * 1024)
    {
        _maxFrameSize = maxFrameSize;
        _buffer = new byte[Math.Max(bufferSize, FrameHeader.Size + maxFrameSize)];
    }

    /// <summary>Where the next socket read goes; moves a partial frame to the front first.</summary>
    public Memory<byte> FreeSpace
    {
        get
        {
            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }
            return _buffer.AsMemory(_end);
        }
    }

    public void Commit(int count) => _end += count;

    /// <summary>Whether the unread bytes begin with <paramref name="prefix"/> (e.g. an HTTP/1.x reply to the preface).</summary>
    public bool BufferedStartsWith(ReadOnlySpan<byte> prefix) =>
        _end - _start >= prefix.Length && _buffer.AsSpan(_start, prefix.Length).SequenceEqual(prefix);

    public bool TryRead(out FrameHeader header, out ReadOnlySpan<byte> payload)
    {
        payload = default;
        header = default;
        var available = _end - _start;
        if (available < FrameHeader.Size) return false;
        header = FrameHeader.Read(_buffer.AsSpan(_start));
        if (header.Length > _maxFrameSize)
            throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, $"frame of {header.Length} bytes exceeds the advertised maximum {_maxFrameSize}");
        if (available < FrameHeader.Size + header.Length) return false;
        payload = _buffer.AsSpan(_start + FrameHeader.Size, header.Length);
        _start += FrameHeader.Size + header.Length;
        if (_start == _end) _start = _end = 0;
        return true;
    }
}

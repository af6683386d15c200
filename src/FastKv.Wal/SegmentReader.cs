// Buffered positional reads over one segment file: a 1 MiB window is refilled as the scan moves
// forward, so reading a segment costs a few large reads rather than two syscalls per record.
using Microsoft.Win32.SafeHandles;

namespace FastKv.Wal;

internal sealed class SegmentReader
{
    private readonly SafeFileHandle _handle;
    private byte[] _buffer = new byte[1 << 20];
    private long _windowStart;
    private int _windowLength;

    public SegmentReader(SafeFileHandle handle)
    {
        _handle = handle;
        Length = RandomAccess.GetLength(handle);
    }

    public long Length { get; }

    /// <summary>The bytes [offset, offset+count); the caller has checked they lie inside the file.</summary>
    public ReadOnlySpan<byte> Read(long offset, int count)
    {
        if (offset >= _windowStart && offset + count <= _windowStart + _windowLength)
            return _buffer.AsSpan((int)(offset - _windowStart), count);
        if (_buffer.Length < count)
            _buffer = new byte[count];
        int filled = 0;
        int want = (int)Math.Min(_buffer.Length, Length - offset);
        while (filled < want)
        {
            int n = RandomAccess.Read(_handle, _buffer.AsSpan(filled, want - filled), offset + filled);
            if (n == 0)
                break;
            filled += n;
        }
        _windowStart = offset;
        _windowLength = filled;
        if (filled < count)
            throw new IOException($"short read at offset {offset}: the file shrank while being read");
        return _buffer.AsSpan(0, count);
    }

    /// <summary>Offset of the first non-zero byte in [from, to), or -1 when all are zero.</summary>
    public long FindNonZero(long from, long to)
    {
        to = Math.Min(to, Length);
        for (long at = from; at < to;)
        {
            int count = (int)Math.Min(1 << 20, to - at);
            var chunk = Read(at, count);
            int i = chunk.IndexOfAnyExcept((byte)0);
            if (i >= 0)
                return at + i;
            at += count;
        }
        return -1;
    }
}

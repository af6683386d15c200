// The flow-control window of one follower: the last index and byte size of each MsgApp sent but
// not yet acknowledged, in a fixed ring. Full when either the message count or the byte budget is used up.
namespace FastKv.Raft;

internal sealed class Inflights
{
    private readonly ulong[] _index;
    private readonly long[] _bytes;
    private readonly long _maxBytes;
    private int _start;
    private int _count;

    public long Bytes { get; private set; }

    public Inflights(int size, long maxBytes)
    {
        if (size <= 0) throw new ArgumentOutOfRangeException(nameof(size));
        _index = new ulong[size];
        _bytes = new long[size];
        _maxBytes = maxBytes;
    }

    public int Count => _count;

    public bool Full => _count == _index.Length || (_maxBytes > 0 && Bytes >= _maxBytes);

    public void Add(ulong index, long bytes)
    {
        if (_count == _index.Length) throw new InvalidOperationException("cannot add into a full inflights window");
        int next = (_start + _count) % _index.Length;
        _index[next] = index;
        _bytes[next] = bytes;
        _count++;
        Bytes += bytes;
    }

    // Acknowledges every message whose last index is <= to.
    public void FreeLE(ulong to)
    {
        while (_count > 0 && _index[_start] <= to)
        {
            Bytes -= _bytes[_start];
            _start = (_start + 1) % _index.Length;
            _count--;
        }
        if (_count == 0) _start = 0;
    }

    public void FreeFirstOne()
    {
        if (_count > 0) FreeLE(_index[_start]);
    }

    public void Reset()
    {
        _start = 0;
        _count = 0;
        Bytes = 0;
    }
}

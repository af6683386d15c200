// A request's key selection in etcd's terms: one key (empty range_end), [key, range_end), or
// everything from key on (range_end "\0"). A range_end at or before key selects nothing.
namespace FastKv.Mvcc.Kv;

internal readonly ref struct KeyRange
{
    public readonly ReadOnlySpan<byte> Key;
    public readonly ReadOnlySpan<byte> End;
    public readonly bool Single;
    public readonly bool Unbounded;

    public KeyRange(ReadOnlySpan<byte> key, ReadOnlySpan<byte> rangeEnd)
    {
        Key = key;
        End = rangeEnd;
        Single = rangeEnd.IsEmpty;
        Unbounded = rangeEnd.Length == 1 && rangeEnd[0] == 0;
    }

    /// <summary>True when <paramref name="key"/> (at or after Key) is still inside the range.</summary>
    public bool Contains(ReadOnlySpan<byte> key) =>
        Single ? key.SequenceEqual(Key) : (Unbounded || key.SequenceCompareTo(End) < 0);
}

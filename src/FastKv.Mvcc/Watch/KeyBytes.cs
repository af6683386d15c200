// Byte-string keys as dictionary keys: equality by content, with lookups straight from a span
// so matching an event's key against the exact-key watchers allocates nothing.
namespace FastKv.Mvcc.Watch;

internal sealed class KeyBytes : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
{
    public static readonly KeyBytes Comparer = new();

    public bool Equals(byte[]? x, byte[]? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

    public int GetHashCode(byte[] obj) => Hash(obj);

    public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

    public int GetHashCode(ReadOnlySpan<byte> alternate) => Hash(alternate);

    public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();

    /// <summary>Lexicographic order of keys, as etcd orders them.</summary>
    public static int Compare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => a.SequenceCompareTo(b);

    /// <summary>True when the exclusive range end lies beyond <paramref name="key"/>; an empty end means "no end".</summary>
    public static bool EndsAfter(byte[] end, ReadOnlySpan<byte> key) => end.Length == 0 || Compare(end, key) > 0;

    /// <summary>Order of exclusive range ends where the empty end is infinity.</summary>
    public static int CompareEnds(byte[] a, byte[] b)
    {
        if (a.Length == 0) return b.Length == 0 ? 0 : 1;
        if (b.Length == 0) return -1;
        return Compare(a, b);
    }

    private static int Hash(ReadOnlySpan<byte> bytes)
    {
        var hash = new HashCode();
        hash.AddBytes(bytes);
        return hash.ToHashCode();
    }
}

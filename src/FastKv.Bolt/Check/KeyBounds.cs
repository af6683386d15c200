// The key range a subtree must stay inside: at least its branch key, below the next sibling's key.
// Spans point into the mapped file, so passing bounds down the walk copies nothing.
namespace FastKv.Bolt.Check;

internal readonly ref struct KeyBounds
{
    public readonly ReadOnlySpan<byte> Lower;
    public readonly bool HasLower;
    public readonly ReadOnlySpan<byte> Upper;
    public readonly bool HasUpper;

    public KeyBounds(ReadOnlySpan<byte> lower, bool hasLower, ReadOnlySpan<byte> upper, bool hasUpper)
    {
        Lower = lower;
        HasLower = hasLower;
        Upper = upper;
        HasUpper = hasUpper;
    }

    public static KeyBounds Unbounded => default;

    public bool Contains(ReadOnlySpan<byte> key) =>
        (!HasLower || key.SequenceCompareTo(Lower) >= 0) && (!HasUpper || key.SequenceCompareTo(Upper) < 0);

    public string Describe() =>
        $"[{(HasLower ? KeyText.Format(Lower) : "start")}, {(HasUpper ? KeyText.Format(Upper) : "end")})";
}

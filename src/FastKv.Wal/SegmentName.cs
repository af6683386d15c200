// WAL segment file names: "%016x-%016x.wal" of (sequence, index of the first entry the segment may hold).
// Sequences must run without gaps; a directory whose names break that is refused rather than guessed at.
using System.Globalization;

namespace FastKv.Wal;

public readonly record struct SegmentName(ulong Sequence, ulong FirstIndex) : IComparable<SegmentName>
{
    public const string Extension = ".wal";

    public string FileName => $"{Sequence:x16}-{FirstIndex:x16}{Extension}";

    public int CompareTo(SegmentName other) => Sequence.CompareTo(other.Sequence);

    public override string ToString() => FileName;

    public static bool TryParse(string fileName, out SegmentName name)
    {
        name = default;
        if (fileName.Length != 16 + 1 + 16 + Extension.Length || !fileName.EndsWith(Extension, StringComparison.Ordinal) || fileName[16] != '-')
            return false;
        if (!ulong.TryParse(fileName.AsSpan(0, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong seq) ||
            !ulong.TryParse(fileName.AsSpan(17, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong index))
            return false;
        name = new SegmentName(seq, index);
        return true;
    }

    /// <summary>The segments in <paramref name="directory"/>, ordered by sequence; other files are ignored.</summary>
    public static List<SegmentName> List(string directory)
    {
        var names = new List<SegmentName>();
        foreach (var path in Directory.EnumerateFiles(directory, "*" + Extension))
            if (TryParse(Path.GetFileName(path), out var name))
                names.Add(name);
        names.Sort();
        return names;
    }

    /// <summary>
    /// Throws when sequence numbers skip: a segment was lost. First indexes are not required to rise, since a
    /// follower that truncated its log can cut a segment whose first index is below the previous one's.
    /// </summary>
    public static void CheckContinuity(string directory, IReadOnlyList<SegmentName> names)
    {
        for (int i = 1; i < names.Count; i++)
        {
            if (names[i].Sequence != names[i - 1].Sequence + 1)
                throw new WalCorruptException(Path.Combine(directory, names[i].FileName), 0,
                    $"segment sequence {names[i].Sequence} follows {names[i - 1].Sequence}, expected {names[i - 1].Sequence + 1}: a segment is missing or duplicated");
        }
    }

    /// <summary>
    /// Position in <paramref name="names"/> of the segment that holds <paramref name="index"/>: the last one whose
    /// first index is not above it; -1 when every segment starts later.
    /// </summary>
    public static int Search(IReadOnlyList<SegmentName> names, ulong index)
    {
        for (int i = names.Count - 1; i >= 0; i--)
            if (names[i].FirstIndex <= index)
                return i;
        return -1;
    }
}

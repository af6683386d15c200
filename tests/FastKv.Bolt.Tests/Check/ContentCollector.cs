// Collects every (bucket path, key, value) a walk of a raw file yields, with bucket sequences,
// so tests can compare two files' contents exactly.
using FastKv.Bolt.Check;
using FastKv.Bolt.Format;

namespace FastKv.Bolt.Tests.Check;

internal sealed class ContentCollector : ITreeVisitor
{
    private readonly List<string> _path = new();

    public SortedDictionary<string, string> Entries { get; } = new(StringComparer.Ordinal);

    public static SortedDictionary<string, string> Of(string file)
    {
        using var raw = RawPageFile.Open(file);
        var collector = new ContentCollector();
        var problems = TreeWalker.WalkFile(raw, raw.Chosen!.Meta, collector);
        Assert.Empty(problems);
        return collector.Entries;
    }

    public bool OnBucketEnter(ReadOnlySpan<byte> name, in BucketHeader header, bool inline)
    {
        _path.Add(Convert.ToHexString(name));
        Entries[string.Join("/", _path) + " (bucket)"] = $"sequence {header.Sequence}";
        return true;
    }

    public void OnBucketExit() => _path.RemoveAt(_path.Count - 1);

    public void OnKeyValue(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) =>
        Entries[string.Join("/", _path) + " " + Convert.ToHexString(key)] = Convert.ToHexString(value);
}

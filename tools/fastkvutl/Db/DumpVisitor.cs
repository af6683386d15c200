// Prints buckets, keys and values during a walk of the raw file, limited to one bucket subtree when
// a path is given. Nesting is shown by indentation.
using FastKv.Bolt.Check;
using FastKv.Bolt.Format;

namespace FastKv.Util.Db;

internal sealed class DumpVisitor(TextWriter output, List<byte[]> only, bool hex) : ITreeVisitor
{
    private readonly List<byte[]> _path = new();
    private readonly Stack<bool> _entered = new();

    public bool FoundTarget { get; private set; } = only.Count == 0;
    public long Keys { get; private set; }

    private bool Inside => _path.Count >= only.Count;

    private string Show(ReadOnlySpan<byte> bytes) => hex ? Bytes.Hex(bytes) : Bytes.Quoted(bytes);

    public bool OnBucketEnter(ReadOnlySpan<byte> name, in BucketHeader header, bool inline)
    {
        int depth = _path.Count;
        // Outside the requested path: enter only the bucket that continues it.
        if (depth < only.Count && !name.SequenceEqual(only[depth]))
            return false;
        _path.Add(name.ToArray());
        if (_path.Count == only.Count) FoundTarget = true;
        if (Inside)
            output.WriteLine($"{Indent(depth - only.Count)}bucket {Show(name)} (sequence {header.Sequence}{(inline ? ", inline" : "")})");
        return true;
    }

    public void OnBucketExit() => _path.RemoveAt(_path.Count - 1);

    public void OnKeyValue(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (!Inside) return;
        Keys++;
        output.WriteLine($"{Indent(_path.Count - only.Count)}{Show(key)} = {Show(value)}");
    }

    public void OnDropped(DroppedData dropped) =>
        Console.Error.WriteLine($"warning: skipped {dropped.What}: {dropped.Cause}");

    private static string Indent(int level) => new(' ', Math.Max(0, level) * 2);
}

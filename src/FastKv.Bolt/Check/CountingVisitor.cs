// Counts buckets and keys during the check's walk.
namespace FastKv.Bolt.Check;

internal sealed class CountingVisitor : ITreeVisitor
{
    public long Buckets { get; private set; }
    public long Keys { get; private set; }

    public bool OnBucketEnter(ReadOnlySpan<byte> name, in Format.BucketHeader header, bool inline)
    {
        Buckets++;
        return true;
    }

    public void OnKeyValue(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => Keys++;
}

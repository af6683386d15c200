// What a walk over the bucket trees tells its user. The checker counts, `stats` measures pages,
// `dump` prints, repair copies into a new file; each implements only what it needs.
using FastKv.Bolt.Format;

namespace FastKv.Bolt.Check;

public interface ITreeVisitor
{
    /// <summary>A branch or leaf page the walk accepted (pgid null for an inline bucket's page); depth 0 is a bucket's root.</summary>
    void OnPage(ulong? pgid, in PageHeader header, ReadOnlySpan<byte> page, int depth) { }

    /// <summary>A nested bucket begins; return false to skip its contents.</summary>
    bool OnBucketEnter(ReadOnlySpan<byte> name, in BucketHeader header, bool inline) => true;

    void OnBucketExit() { }

    void OnKeyValue(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) { }

    /// <summary>Data the walk could not read and left out: a subtree, an element, a bucket.</summary>
    void OnDropped(DroppedData dropped) { }
}

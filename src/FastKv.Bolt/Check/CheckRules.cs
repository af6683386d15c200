// The stable rule ids the checker reports. They are part of the tool's output contract: keep them
// unchanged once released, add new ones instead. `multiple-references` and `unreachable-page` match
// the wording bbolt's own check uses, so an operator's grep for either tool finds both.
namespace FastKv.Bolt.Check;

public static class CheckRules
{
    // The file as a whole.
    public const string FileTooSmall = "file-too-small";
    public const string TrailingBytes = "trailing-bytes";
    public const string SnapshotHashMismatch = "snapshot-hash-mismatch";

    // Meta pages.
    public const string NoValidMeta = "no-valid-meta";
    public const string MetaBadMagic = "meta-bad-magic";
    public const string MetaBadVersion = "meta-bad-version";
    public const string MetaChecksum = "meta-checksum";
    public const string MetaBadPageSize = "meta-bad-page-size";
    public const string MetaPageSizeMismatch = "meta-page-size-mismatch";
    public const string HighWaterBeyondEof = "high-water-beyond-eof";

    // Where a page is and what its header says.
    public const string PageBeyondEof = "page-beyond-eof";
    public const string OverflowBeyondEof = "overflow-beyond-eof";
    public const string BeyondHighWater = "beyond-high-water";
    public const string ReservedPage = "reserved-page";
    public const string PageIdMismatch = "page-id-mismatch";
    public const string WrongPageType = "wrong-page-type";
    public const string MultipleReferences = "multiple-references";
    public const string TreeTooDeep = "tree-too-deep";

    // What is inside a branch or leaf page.
    public const string ElementOutOfBounds = "element-out-of-bounds";
    public const string UnsortedKeys = "unsorted-keys";
    public const string KeyOutOfRange = "key-out-of-range";
    public const string BranchKeyMismatch = "branch-key-mismatch";
    public const string EmptyBranch = "empty-branch";
    public const string BadElementFlags = "bad-element-flags";
    public const string BadBucketHeader = "bad-bucket-header";
    /// <summary>The root bucket holds only buckets; a plain value there means the root points at the wrong page.</summary>
    public const string RootLevelValue = "root-level-value";

    // The freelist and page accounting.
    public const string FreelistOutOfRange = "freelist-out-of-range";
    public const string FreelistUnsorted = "freelist-unsorted";
    public const string FreelistDuplicate = "freelist-duplicate";
    public const string FreelistIdOutOfRange = "freelist-id-out-of-range";
    public const string FreeAndReachable = "free-and-reachable";
    public const string UnreachablePage = "unreachable-page";

    /// <summary>The checker itself failed on this input; always a bug to report, never expected.</summary>
    public const string InternalError = "internal-error";
}

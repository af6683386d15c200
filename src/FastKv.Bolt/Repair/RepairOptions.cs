// Choices a repair leaves to the operator.
namespace FastKv.Bolt.Repair;

public sealed class RepairOptions
{
    /// <summary>
    /// Copy the tree of this meta page (0 or 1) instead of the one a reader would pick. The other meta
    /// describes the previous commit, whose pages copy-on-write leaves intact, so when the newest tree is
    /// damaged the older one may be whole (one commit older).
    /// </summary>
    public int? MetaIndex { get; init; }

    /// <summary>
    /// Copy the tree whose root bucket is this page, ignoring both metas: for files whose metas are both
    /// damaged. <see cref="RootCandidates"/> lists the pages that look like a root bucket.
    /// </summary>
    public ulong? RootPage { get; init; }

    public static RepairOptions Default { get; } = new();
}

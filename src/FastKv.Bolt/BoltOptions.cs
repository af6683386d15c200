// How a page file is opened.
namespace FastKv.Bolt;

public sealed class BoltOptions
{
    /// <summary>Open for reading only, under a shared lock; every write transaction is refused.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>Skip fdatasync on commit. For tests and bulk loads: a crash may lose or tear commits.</summary>
    public bool NoSync { get; init; }

    /// <summary>Do not persist the freelist (meta freelist = 0xFFFF_FFFF_FFFF_FFFF); it is rebuilt by walking
    /// the tree on open. etcd runs this way: commits write less, opens take longer.</summary>
    public bool NoFreelistSync { get; init; }

    /// <summary>Page size of a newly created file. Existing files use the size in their meta.</summary>
    public int PageSize { get; init; } = BoltLimits.DefaultPageSize;

    /// <summary>Map at least this much up front so early growth never remaps.</summary>
    public long InitialMmapSize { get; init; }

    /// <summary>How long to retry when another process holds the file lock; zero fails at once.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.Zero;

    public static BoltOptions Default { get; } = new();
}

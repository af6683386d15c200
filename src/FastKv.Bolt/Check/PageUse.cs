// What the check found each page of the file to be used for, for `fastkvutl db pages`.
namespace FastKv.Bolt.Check;

public enum PageUse : byte
{
    /// <summary>Past the meta's high-water mark and not referenced: room the file has but does not use.</summary>
    BeyondHighWater,
    Meta,
    Branch,
    Leaf,
    Overflow,
    Freelist,
    Free,
    /// <summary>Neither reachable nor in the persisted freelist: leaked, or the trace of damage.</summary>
    Unreachable,
}

// The page sizes a bolt file can have, and the order to try them in when meta 0 cannot say where
// meta 1 is. Opening, creating and checking a file all use these.
namespace FastKv.Bolt.Format;

/// <summary>The page sizes a bolt file can plausibly have.</summary>
public static class PageSizes
{
    public const uint Min = 512;
    public const uint Max = 1 << 20;

    public static bool IsPlausible(uint size) => size >= Min && size <= Max && (size & (size - 1)) == 0;

    /// <summary>Sizes to try, most common first, when meta 0 cannot tell where meta 1 is.</summary>
    public static readonly uint[] Candidates = [4096, 8192, 16384, 65536, 32768, 2048, 1024, 512, 131072, 262144, 524288, 1048576];
}

// What a walk left out because it could not be read, for repair reports and dump warnings.
namespace FastKv.Bolt.Check;

/// <summary>
/// Something left out of a walk, why, and how many keys went with it when that is known. A dropped
/// subtree also carries the key range it covered (null bound = open) and the bucket it was in.
/// </summary>
public sealed record DroppedData(CheckProblem Cause, string What, long? KeysLost)
{
    public bool IsSubtree { get; init; }
    public byte[]? RangeLower { get; init; }
    public byte[]? RangeUpper { get; init; }
    public IReadOnlyList<byte[]> BucketPath { get; init; } = Array.Empty<byte[]>();
}

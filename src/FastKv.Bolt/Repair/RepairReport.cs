// What a repair did: the damage found in the input, what was copied, what was left out and why,
// hints about where lost keys may still lie, and the check of the file it wrote.
using FastKv.Bolt.Check;

namespace FastKv.Bolt.Repair;

public sealed class RepairReport
{
    public required string Input { get; init; }
    public required string Output { get; init; }
    /// <summary>The check of the input: the damage the repair worked around.</summary>
    public required CheckReport InputCheck { get; init; }
    /// <summary>The check of the written file; a successful repair leaves it clean.</summary>
    public required CheckReport OutputCheck { get; init; }
    public required long KeysKept { get; init; }
    public required long BucketsKept { get; init; }
    /// <summary>Keys met twice (a subtree reachable two ways): the first copy was kept.</summary>
    public required long DuplicateKeys { get; init; }
    public required IReadOnlyList<DroppedData> Dropped { get; init; }
    public required IReadOnlyList<OrphanHint> Hints { get; init; }
    /// <summary>The meta whose tree was copied; null when the root page was given explicitly.</summary>
    public required MetaSlot? MetaUsed { get; init; }
    /// <summary>The root bucket's page that the copy started from.</summary>
    public required ulong RootPage { get; init; }
    /// <summary>The check of the other meta's tree (the neighbouring commit), when that meta is valid.</summary>
    public required OtherMetaCheck? OtherMeta { get; init; }
    public required long InputBytes { get; init; }
    public required long OutputBytes { get; init; }

    public bool Succeeded => OutputCheck.IsClean;
    /// <summary>Keys known to be lost (elements that could not be read); subtrees dropped whole add an unknown number.</summary>
    public long KnownKeysLost => Dropped.Sum(d => d.KeysLost ?? 0);
    public int SubtreesDropped => Dropped.Count(d => d.KeysLost == null);
}

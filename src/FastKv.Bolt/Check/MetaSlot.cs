// What one of the two meta pages says, and whether it can be trusted. Kept apart from the choice
// between the two so that `info` can show both even when one is damaged.
using FastKv.Bolt.Format;

namespace FastKv.Bolt.Check;

public sealed record MetaSlot(int Index, PageHeader Header, Meta Meta, string? Rule, string? Problem)
{
    public bool IsValid => Rule == null;

    /// <summary>Validates a meta read from page <paramref name="index"/>; the rule names why it is unusable.</summary>
    public static MetaSlot Inspect(int index, PageHeader header, Meta meta)
    {
        if (meta.Magic != Meta.MagicValue)
            return new(index, header, meta, CheckRules.MetaBadMagic,
                $"meta {index} has magic 0x{meta.Magic:x8}, want 0x{Meta.MagicValue:x8} (not a bolt meta page)");
        if (meta.Version != Meta.VersionValue)
            return new(index, header, meta, CheckRules.MetaBadVersion,
                $"meta {index} has version {meta.Version}, only version {Meta.VersionValue} is supported");
        if (meta.Checksum != meta.ComputeChecksum())
            return new(index, header, meta, CheckRules.MetaChecksum,
                $"meta {index} checksum 0x{meta.Checksum:x16} does not match its contents (0x{meta.ComputeChecksum():x16}): torn or damaged write");
        if (!PageSizes.IsPlausible(meta.PageSize))
            return new(index, header, meta, CheckRules.MetaBadPageSize,
                $"meta {index} claims page size {meta.PageSize}, which is not a power of two between {PageSizes.Min} and {PageSizes.Max}");
        return new(index, header, meta, null, null);
    }
}

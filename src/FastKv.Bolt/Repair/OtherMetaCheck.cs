// The meta a repair did not copy, with the check of its tree.
using FastKv.Bolt.Check;

namespace FastKv.Bolt.Repair;

/// <summary>The other meta and how its tree checks: a whole older tree is an alternative to a damaged newer one.</summary>
public sealed record OtherMetaCheck(MetaSlot Meta, CheckReport Check);

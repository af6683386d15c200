// A pointer to where keys a repair dropped may still be found.
using FastKv.Bolt.Check;

namespace FastKv.Bolt.Repair;

/// <summary>An unreferenced leaf page whose keys fall inside the range of a dropped subtree: perhaps the lost data, perhaps a stale copy.</summary>
public sealed record OrphanHint(ulong PageId, int Keys, DroppedData Dropped, string Message);

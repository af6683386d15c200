// What Backend.DefragmentAsync reports.
namespace FastKv.Mvcc.Storage;

/// <summary>What a defragmentation did: file sizes, how long it ran, and how long writes waited for the switch.</summary>
public sealed record DefragResult(long SizeBefore, long SizeAfter, TimeSpan Duration, TimeSpan SwitchPause, int CatchUpRounds, long KeysCaughtUp);

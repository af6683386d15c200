// How a defragmentation bounds the pause of its final switch.
namespace FastKv.Mvcc.Storage;

public sealed class DefragOptions
{
    /// <summary>
    /// Catch-up rounds run in the background while more than this many keys changed since the
    /// last round; the rest is replayed during the switch, when writes wait.
    /// </summary>
    public int FinalDeltaLimit { get; init; } = 4096;

    /// <summary>Background catch-up rounds at most, so a writer faster than the copy cannot keep it going forever.</summary>
    public int MaxCatchUpRounds { get; init; } = 8;

    /// <summary>Told of each stage as it is reached (on the thread that reached it); a throw aborts the defragmentation there. For tests and logs.</summary>
    public Action<DefragStage>? StageReached { get; init; }
}

public enum DefragStage
{
    /// <summary>Writes are being recorded; the copy's snapshot is next.</summary>
    Recording,
    /// <summary>The snapshot has been copied into the new file.</summary>
    Copied,
    /// <summary>One background catch-up round has been written to the new file.</summary>
    CaughtUp,
    /// <summary>Writer thread, writes waiting: the new file holds everything committed and is about to replace the old one.</summary>
    Switching,
    /// <summary>Writer thread: the new file is in place and in use.</summary>
    Switched,
}

/// <summary>What a defragmentation did: file sizes, how long it ran, and how long writes waited for the switch.</summary>
public sealed record DefragResult(long SizeBefore, long SizeAfter, TimeSpan Duration, TimeSpan SwitchPause, int CatchUpRounds, long KeysCaughtUp);

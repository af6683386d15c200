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

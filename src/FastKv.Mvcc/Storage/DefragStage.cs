// The points a defragmentation passes, in order; DefragOptions.StageReached is told of each.
namespace FastKv.Mvcc.Storage;

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

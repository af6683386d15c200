// What the watch hub reads from the key space to catch up a watcher that starts in the past
// or fell behind. Implemented by the key space; safe to call from any thread.
using FastKv.Api.Mvccpb;

namespace FastKv.Mvcc;

public interface IWatchHistory
{
    long CurrentRevision { get; }
    long CompactRevision { get; }

    /// <summary>
    /// Appends the events of revisions [fromRevision, toRevision] (inclusive, both within
    /// (CompactRevision, CurrentRevision]) to <paramref name="into"/>, in revision then
    /// sub-revision order, without prev_kv.
    /// </summary>
    void ReadEvents(long fromRevision, long toRevision, List<Event> into);

    /// <summary>The key's value as it was just before <paramref name="revision"/>; null when it did not exist.</summary>
    KeyValue? GetPrevious(ReadOnlySpan<byte> key, long revision);
}

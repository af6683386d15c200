// Where the key space sends each applied revision's events: the watch hub. Called on the
// apply thread once per revision, in revision order, right after the revision became readable.
using FastKv.Api.Mvccpb;

namespace FastKv.Mvcc;

public interface IWatchEventSink
{
    /// <summary>All events of one revision, in sub-revision order. The list is only valid during the call.</summary>
    void Publish(long revision, IReadOnlyList<Event> events);
}

// The watch guarantees as checks over a recorded response sequence: the events of one watch
// equal the model's (so none missing, none twice, in order), and a revision's events arrive in
// one response unless that response was fragmented and says so.
using FastKv.Api.Etcdserverpb;
using FastKv.Api.Mvccpb;

namespace FastKv.Mvcc.Tests.Watch;

internal static class WatchChecks
{
    public static List<Event> EventsOf(IEnumerable<WatchResponse> responses, long watchId) =>
        responses.Where(r => r.WatchId == watchId).SelectMany(r => r.Events).ToList();

    public static string Describe(Event ev) =>
        $"{ev.Type} {ev.Kv.Key.ToStringUtf8()}={ev.Kv.Value.ToStringUtf8()}@{ev.Kv.ModRevision}";

    public static void SameEvents(IReadOnlyList<Event> expected, IReadOnlyList<Event> actual, string context)
    {
        var want = expected.Select(Describe).ToList();
        var got = actual.Select(Describe).ToList();
        if (!want.SequenceEqual(got))
            throw new Xunit.Sdk.XunitException(
                $"{context}: expected {want.Count} events, got {got.Count}\nexpected: {string.Join(", ", want.Take(40))}\nactual:   {string.Join(", ", got.Take(40))}");
    }

    /// <summary>No revision's events of <paramref name="watchId"/> are spread over two logical responses.</summary>
    public static void Atomic(IEnumerable<WatchResponse> responses, long watchId)
    {
        var owner = new Dictionary<long, int>();
        int logical = 0;
        bool continuing = false;
        foreach (var response in responses.Where(r => r.WatchId == watchId && r.Events.Count > 0))
        {
            if (!continuing) logical++;
            foreach (var ev in response.Events)
            {
                if (owner.TryGetValue(ev.Kv.ModRevision, out var seen) && seen != logical)
                    throw new Xunit.Sdk.XunitException($"revision {ev.Kv.ModRevision} of watch {watchId} split over responses");
                owner[ev.Kv.ModRevision] = logical;
            }
            continuing = response.Fragment;
        }
    }

    /// <summary>Revisions never go back within a watch, and header revisions cover the events they carry.</summary>
    public static void Ordered(IEnumerable<WatchResponse> responses, long watchId)
    {
        long last = 0;
        foreach (var response in responses.Where(r => r.WatchId == watchId))
        {
            foreach (var ev in response.Events)
            {
                Assert.True(ev.Kv.ModRevision >= last, $"watch {watchId}: revision {ev.Kv.ModRevision} after {last}");
                Assert.True(response.Header.Revision >= ev.Kv.ModRevision,
                    $"watch {watchId}: header {response.Header.Revision} below event {ev.Kv.ModRevision}");
                last = ev.Kv.ModRevision;
            }
        }
    }
}

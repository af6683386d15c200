// Checks a whole stream's recorded responses against the key space model: every watch got
// exactly its events from its start (or a prefix, when it was canceled or compacted away), no
// revision split, revisions in order, and every progress bookmark preceded by all the events up
// to its revision.
using FastKv.Api.Etcdserverpb;
using FastKv.Api.Mvccpb;

namespace FastKv.Mvcc.Tests.Watch;

internal static class StreamChecks
{
    public static void Check(FakeKeySpace keys, IReadOnlyList<WatchResponse> responses,
        IReadOnlyDictionary<long, WatchSpec> specs, long finalRevision, string context)
    {
        var expectedById = new Dictionary<long, List<Event>>();
        var liveSpan = new Dictionary<long, (int Created, int Canceled)>();
        foreach (var (id, spec) in specs)
        {
            string where = $"{context}, watch {id} {spec}";
            int createdAt = Index(responses, r => r.WatchId == id && r.Created);
            Assert.True(createdAt >= 0, $"{where}: no created response");
            Assert.False(responses[createdAt].Canceled, $"{where}: refused");
            int canceledAt = Index(responses, r => r.WatchId == id && r.Canceled && !r.Created);
            long start = spec.Start == 0 ? responses[createdAt].Header.Revision + 1 : Math.Max(1, spec.Start);
            var expected = keys.Expected(spec.Wants, start, finalRevision);
            expectedById[id] = expected;
            liveSpan[id] = (createdAt, canceledAt < 0 ? int.MaxValue : canceledAt);

            var received = WatchChecks.EventsOf(responses, id);
            if (canceledAt >= 0)
            {
                Assert.True(Index(responses, r => r.WatchId == id && r.Events.Count > 0, canceledAt) < 0,
                    $"{where}: events after canceled");
                Assert.True(received.Count <= expected.Count, $"{where}: more events than expected");
                WatchChecks.SameEvents(expected.Take(received.Count).ToList(), received, where + " (canceled prefix)");
                long compact = responses[canceledAt].CompactRevision;
                if (compact > 0 && received.Count > 0)
                    Assert.True(received[^1].Kv.ModRevision < compact, $"{where}: compacted though past {compact}");
            }
            else
            {
                WatchChecks.SameEvents(expected, received, where);
            }
            WatchChecks.Atomic(responses, id);
            WatchChecks.Ordered(responses, id);
        }

        for (int p = 0; p < responses.Count; p++)
        {
            var progress = responses[p];
            if (progress.WatchId != -1 || progress.Created) continue;
            long revision = progress.Header.Revision;
            foreach (var (id, (created, canceled)) in liveSpan)
            {
                if (created > p || canceled < p) continue;
                var before = WatchChecks.EventsOf(responses.Take(p), id);
                var owed = expectedById[id].Where(e => e.Kv.ModRevision <= revision).ToList();
                WatchChecks.SameEvents(owed, before, $"{context}, watch {id} before bookmark {revision} at {p}");
            }
        }
    }

    private static int Index(IReadOnlyList<WatchResponse> responses, Func<WatchResponse, bool> match, int from = 0)
    {
        for (int i = from; i < responses.Count; i++)
            if (match(responses[i])) return i;
        return -1;
    }

    /// <summary>True once every watch has everything up to the final revision or was canceled.</summary>
    public static bool Complete(FakeKeySpace keys, IReadOnlyList<WatchResponse> responses,
        IReadOnlyDictionary<long, WatchSpec> specs, long finalRevision)
    {
        foreach (var (id, spec) in specs)
        {
            int createdAt = Index(responses, r => r.WatchId == id && r.Created);
            if (createdAt < 0) return false;
            if (Index(responses, r => r.WatchId == id && r.Canceled) >= 0) continue;
            long start = spec.Start == 0 ? responses[createdAt].Header.Revision + 1 : Math.Max(1, spec.Start);
            if (WatchChecks.EventsOf(responses, id).Count < keys.Expected(spec.Wants, start, finalRevision).Count) return false;
        }
        return true;
    }
}

// Large revisions: split into fragments when the watch allows it, whole otherwise.
using FastKv.Mvcc.Watch;
using static FastKv.Mvcc.Tests.Watch.WatchTestRig;

namespace FastKv.Mvcc.Tests.Watch;

public sealed class WatchFragmentTests
{
    // With MaxRequestBytes = 1 the limit is etcd's 512 KiB of gRPC overhead plus one byte.
    private static readonly WatchHubOptions Small = new() { MaxRequestBytes = 1 };

    private static (string, string)[] BigRevision(int events, int valueBytes) =>
        Enumerable.Range(0, events).Select(i => ($"big/{i:D4}", new string('x', valueBytes))).ToArray();

    [Fact]
    public void Large_revision_is_fragmented_into_pieces_under_the_limit_marked_fragment_but_the_last()
    {
        using var rig = new WatchTestRig(Small);
        using var stream = rig.Hub.OpenStream();
        long id = stream.Create(Request("big/", PrefixEnd("big/"), fragment: true));
        rig.Keys.Apply(BigRevision(40, 50_000), []);

        var responses = new List<FastKv.Api.Etcdserverpb.WatchResponse>();
        while (stream.TryRead(out var r)) responses.Add(r);

        var pieces = responses.Where(r => r.WatchId == id && r.Events.Count > 0).ToList();
        Assert.True(pieces.Count >= 4, $"{pieces.Count} pieces");
        Assert.All(pieces[..^1], p => Assert.True(p.Fragment));
        Assert.False(pieces[^1].Fragment);
        Assert.All(pieces, p => Assert.True(p.CalculateSize() < WatchHubOptions.GrpcOverheadBytes + 1 || p.Events.Count == 1));
        Assert.All(pieces, p => Assert.Equal(1, p.Header.Revision));
        WatchChecks.SameEvents(rig.Keys.Expected(_ => true, 1, 1), WatchChecks.EventsOf(responses, id), "fragments");
        WatchChecks.Atomic(responses, id);
    }

    [Fact]
    public void Without_fragment_a_large_revision_stays_one_response()
    {
        using var rig = new WatchTestRig(Small);
        using var stream = rig.Hub.OpenStream();
        long id = stream.Create(Request("big/", PrefixEnd("big/")));
        rig.Keys.Apply(BigRevision(40, 50_000), []);

        var responses = new List<FastKv.Api.Etcdserverpb.WatchResponse>();
        while (stream.TryRead(out var r)) responses.Add(r);

        var single = Assert.Single(responses, r => r.WatchId == id && r.Events.Count > 0);
        Assert.Equal(40, single.Events.Count);
        Assert.False(single.Fragment);
    }

    [Fact]
    public void A_single_huge_event_is_sent_whole_even_when_fragmenting()
    {
        using var rig = new WatchTestRig(Small);
        using var stream = rig.Hub.OpenStream();
        long id = stream.Create(Request("big/", PrefixEnd("big/"), fragment: true));
        rig.Keys.Apply(BigRevision(1, 700_000), []);

        var responses = new List<FastKv.Api.Etcdserverpb.WatchResponse>();
        while (stream.TryRead(out var r)) responses.Add(r);

        var single = Assert.Single(responses, r => r.WatchId == id && r.Events.Count > 0);
        Assert.False(single.Fragment);
    }

    [Fact]
    public void Small_revisions_are_not_fragmented()
    {
        using var rig = new WatchTestRig(Small);
        using var stream = rig.Hub.OpenStream();
        long id = stream.Create(Request("big/", PrefixEnd("big/"), fragment: true));
        rig.Keys.Apply(BigRevision(5, 100), []);

        var responses = new List<FastKv.Api.Etcdserverpb.WatchResponse>();
        while (stream.TryRead(out var r)) responses.Add(r);

        var single = Assert.Single(responses, r => r.WatchId == id && r.Events.Count > 0);
        Assert.Equal(5, single.Events.Count);
        Assert.False(single.Fragment);
    }
}

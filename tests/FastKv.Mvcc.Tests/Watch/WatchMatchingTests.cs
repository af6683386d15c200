// Which events a watch gets: its key or range, the filters, prev_kv.
using FsCheck;
using FsCheck.Fluent;
using FastKv.Api.Etcdserverpb;
using FastKv.Api.Mvccpb;
using static FastKv.Mvcc.Tests.Watch.WatchTestRig;

namespace FastKv.Mvcc.Tests.Watch;

public sealed class WatchMatchingTests
{
    private static List<WatchResponse> ReadAll(FastKv.Mvcc.Watch.WatchStream stream)
    {
        var responses = new List<WatchResponse>();
        while (stream.TryRead(out var response)) responses.Add(response);
        return responses;
    }

    private static List<string> Keys(IEnumerable<WatchResponse> responses, long id) =>
        WatchChecks.EventsOf(responses, id).Select(e => e.Kv.Key.ToStringUtf8()).ToList();

    [Fact]
    public void Single_key_prefix_from_key_and_all_keys_get_their_events()
    {
        using var rig = new WatchTestRig();
        using var stream = rig.Hub.OpenStream();
        long single = stream.Create(Request("foo"));
        long prefix = stream.Create(Request("foo", PrefixEnd("foo")));
        long fromKey = stream.Create(Request("fop", "\0"));
        long all = stream.Create(Request("", "\0"));
        long range = stream.Create(Request("b", "d"));

        foreach (var key in new[] { "foo", "foo/1", "fo", "fop", "zz", "b", "c", "d" }) rig.Keys.Put(key, "v");

        var responses = ReadAll(stream);
        Assert.Equal(["foo"], Keys(responses, single));
        Assert.Equal(["foo", "foo/1"], Keys(responses, prefix));
        Assert.Equal(["fop", "zz"], Keys(responses, fromKey));
        Assert.Equal(8, Keys(responses, all).Count);
        Assert.Equal(["b", "c"], Keys(responses, range));
    }

    [Fact]
    public void Empty_key_without_range_end_watches_the_zero_byte_key()
    {
        using var rig = new WatchTestRig();
        using var stream = rig.Hub.OpenStream();
        long id = stream.Create(Request(""));

        rig.Keys.Put("a", "v");
        rig.Keys.Put("\0", "v");

        Assert.Equal(["\0"], Keys(ReadAll(stream), id));
    }

    [Fact]
    public void Filters_drop_puts_or_deletes_and_a_fully_filtered_revision_sends_nothing()
    {
        using var rig = new WatchTestRig();
        using var stream = rig.Hub.OpenStream();
        long noPut = stream.Create(Request("k", filters: WatchCreateRequest.Types.FilterType.Noput));
        long noDelete = stream.Create(Request("k", filters: WatchCreateRequest.Types.FilterType.Nodelete));

        rig.Keys.Put("k", "1");
        rig.Keys.Delete("k");

        var responses = ReadAll(stream);
        Assert.Equal([Event.Types.EventType.Delete], WatchChecks.EventsOf(responses, noPut).Select(e => e.Type));
        Assert.Equal([Event.Types.EventType.Put], WatchChecks.EventsOf(responses, noDelete).Select(e => e.Type));
        Assert.Equal(2, responses.Count(r => r.Events.Count > 0));
    }

    [Fact]
    public void One_revision_touching_several_keys_arrives_as_one_response_with_only_the_matching_events()
    {
        using var rig = new WatchTestRig();
        using var stream = rig.Hub.OpenStream();
        long prefix = stream.Create(Request("a/", PrefixEnd("a/")));
        long all = stream.Create(Request("", "\0"));

        rig.Keys.Apply([("a/1", "x"), ("b/1", "y"), ("a/2", "z")], []);

        var responses = ReadAll(stream).Where(r => r.Events.Count > 0).ToList();
        Assert.Equal(2, responses.Count);
        Assert.Equal(["a/1", "a/2"], Keys(responses, prefix));
        Assert.Equal(["a/1", "b/1", "a/2"], Keys(responses, all));
        Assert.All(responses, r => Assert.Equal(1, r.Header.Revision));
    }

    [Fact]
    public void Prev_kv_carries_the_previous_version_except_on_create()
    {
        using var rig = new WatchTestRig();
        rig.Keys.Put("k", "old");
        using var stream = rig.Hub.OpenStream();
        long withPrev = stream.Create(Request("k", prevKv: true));
        long without = stream.Create(Request("k"));

        rig.Keys.Put("k", "new");
        rig.Keys.Delete("k");
        rig.Keys.Put("k", "again");

        var responses = ReadAll(stream);
        var events = WatchChecks.EventsOf(responses, withPrev);
        Assert.Equal(3, events.Count);
        Assert.Equal("old", events[0].PrevKv.Value.ToStringUtf8());
        Assert.Equal("new", events[1].PrevKv.Value.ToStringUtf8());
        Assert.Null(events[2].PrevKv);
        Assert.All(WatchChecks.EventsOf(responses, without), e => Assert.Null(e.PrevKv));
    }

    [Fact]
    public void Watch_on_a_future_revision_skips_what_comes_before_it()
    {
        using var rig = new WatchTestRig();
        using var stream = rig.Hub.OpenStream();
        long id = stream.Create(Request("k", start: 3));

        for (int i = 1; i <= 4; i++) rig.Keys.Put("k", i.ToString());

        Assert.Equal([3L, 4L], WatchChecks.EventsOf(ReadAll(stream), id).Select(e => e.Kv.ModRevision));
    }

    [Fact]
    public void Index_finds_exactly_the_watches_covering_each_key()
    {
        // Random single keys and ranges over a small alphabet against a brute-force model.
        var keyGen = Gen.Elements("", "a", "b", "c", "d", "ab", "ba", "abc", "c\0", "zz")
            .Select(s => s);
        var watchGen = Gen.Zip(keyGen, Gen.Elements<string?>(null, "\0", "b", "c", "zz", "abd", "ba\0"));
        var caseGen = Gen.Zip(watchGen.ListOf(), keyGen.ListOf());
        Prop.ForAll(caseGen.ToArbitrary(), testCase =>
        {
            var (watches, writes) = testCase;
            // Read only at the end: the buffer must hold everything so no watch falls behind.
            using var rig = new WatchTestRig(new FastKv.Mvcc.Watch.WatchHubOptions { StreamBufferLimit = 1_000_000 });
            using var stream = rig.Hub.OpenStream();
            var ids = new List<(long Id, byte[] Key, byte[]? End)>();
            foreach (var (key, end) in watches)
            {
                long id = stream.Create(Request(key, end));
                if (id < 0) continue;
                byte[] k = key.Length == 0 ? [0] : System.Text.Encoding.UTF8.GetBytes(key);
                byte[]? e = end switch { null => null, "\0" => [], _ => System.Text.Encoding.UTF8.GetBytes(end) };
                ids.Add((id, k, e));
            }
            foreach (var key in writes) rig.Keys.Put(key.Length == 0 ? "\0" : key, "v");
            var responses = ReadAll(stream);
            foreach (var (id, k, e) in ids)
            {
                var expected = rig.Keys.Expected(ev =>
                {
                    var key = ev.Kv.Key.Span;
                    if (e is null) return key.SequenceEqual(k);
                    return key.SequenceCompareTo(k) >= 0 && (e.Length == 0 || key.SequenceCompareTo(e) < 0);
                }, 1, long.MaxValue);
                WatchChecks.SameEvents(expected, WatchChecks.EventsOf(responses, id), $"watch {id}");
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(150));
    }
}

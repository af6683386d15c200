// A hub over a fake key space, torn down with the test.
using FastKv.Api.Etcdserverpb;
using FastKv.Mvcc.Watch;
using Google.Protobuf;

namespace FastKv.Mvcc.Tests.Watch;

internal sealed class WatchTestRig : IDisposable
{
    public WatchTestRig(WatchHubOptions? options = null)
    {
        Keys = new FakeKeySpace();
        Hub = new WatchHub(Keys, options);
        Keys.Sink = Hub;
    }

    public FakeKeySpace Keys { get; }
    public WatchHub Hub { get; }

    public static WatchCreateRequest Request(string key, string? rangeEnd = null, long start = 0, long id = 0,
        bool prevKv = false, bool fragment = false, bool progressNotify = false,
        params WatchCreateRequest.Types.FilterType[] filters)
    {
        var request = new WatchCreateRequest
        {
            Key = ByteString.CopyFromUtf8(key),
            StartRevision = start,
            WatchId = id,
            PrevKv = prevKv,
            Fragment = fragment,
            ProgressNotify = progressNotify,
        };
        if (rangeEnd is not null) request.RangeEnd = ByteString.CopyFromUtf8(rangeEnd);
        request.Filters.AddRange(filters);
        return request;
    }

    /// <summary>etcd's prefix range end: the prefix with its last byte incremented.</summary>
    public static string PrefixEnd(string prefix) => prefix[..^1] + (char)(prefix[^1] + 1);

    public void Dispose() => Hub.Dispose();
}

// What a test asked a watch for, so the checker can compute what it should have received.
using FastKv.Api.Etcdserverpb;
using FastKv.Api.Mvccpb;

namespace FastKv.Mvcc.Tests.Watch;

internal sealed record WatchSpec(string Key, string? RangeEnd, long Start, bool NoPut, bool NoDelete)
{
    public WatchCreateRequest ToRequest()
    {
        var filters = new List<WatchCreateRequest.Types.FilterType>();
        if (NoPut) filters.Add(WatchCreateRequest.Types.FilterType.Noput);
        if (NoDelete) filters.Add(WatchCreateRequest.Types.FilterType.Nodelete);
        return WatchTestRig.Request(Key, RangeEnd, Start, filters: [.. filters]);
    }

    public bool Wants(Event ev)
    {
        if (ev.Type == Event.Types.EventType.Put ? NoPut : NoDelete) return false;
        var key = ev.Kv.Key.ToStringUtf8();
        if (RangeEnd is null) return key == Key;
        if (string.CompareOrdinal(key, Key) < 0) return false;
        return RangeEnd == "\0" || string.CompareOrdinal(key, RangeEnd) < 0;
    }
}

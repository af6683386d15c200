// Waiting for one's turn among the contenders under a prefix: until no key created at or
// before a revision is left, watching only the deletion of the youngest such key each time
// (not the whole prefix), so a release wakes exactly the next in line.
using FastKv.Api.Etcdserverpb;
using Google.Protobuf;

namespace FastKv.Server.Concurrency;

internal static class ContenderQueue
{
    /// <summary>Returns the header of the read that found no older contender left.</summary>
    public static async Task<ResponseHeader> WaitForOlderToLeaveAsync(CallerKeyspace keyspace, ByteString prefix, long maxCreateRevision, CancellationToken cancel)
    {
        while (true)
        {
            var older = await keyspace.RangeAsync(ContenderKeys.YoungestUpTo(prefix, maxCreateRevision), cancel).ConfigureAwait(false);
            if (older.Kvs.Count == 0) return older.Header;
            await keyspace.WaitForDeleteAsync(older.Kvs[0].Key, older.Header.Revision, cancel).ConfigureAwait(false);
        }
    }
}

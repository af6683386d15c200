// How the lock and election services report a failed recipe step: a clientv3 recipe run by
// etcd's v3lock/v3election servers surfaces every etcd error as Unknown with the same text.
using FastKv.Api;

namespace FastKv.Server.Concurrency;

internal static class RecipeErrors
{
    /// <summary>Runs one service call, reporting its etcd errors as a client of the key space sees them.</summary>
    public static async Task<T> SeenThroughClientAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (EtcdException e)
        {
            throw EtcdErrors.AsSeenThroughClient(e);
        }
    }
}

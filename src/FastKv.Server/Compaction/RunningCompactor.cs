// The life of an auto compactor: its loop runs in the background from Start until disposal, and
// a compaction that finds its revision already compacted counts as done, as in etcd.
using FastKv.Api;

namespace FastKv.Server.Compaction;

public abstract class RunningCompactor : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    protected abstract Task RunAsync(CancellationToken stop);

    /// <summary>Null when the compaction happened (or had happened), else the error to log.</summary>
    protected static async Task<string?> TryCompactAsync(ICompactionTarget target, long revision, CancellationToken stop)
    {
        try
        {
            await target.CompactAsync(revision, stop).ConfigureAwait(false);
            return null;
        }
        catch (EtcdException e) when (e.Message == EtcdErrors.CompactedMessage)
        {
            return null;
        }
        catch (EtcdException e)
        {
            return e.Message;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try { await _loop.ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }
}

// etcd 3.4's periodic auto compaction. Every tenth of the period (of an hour when the period is
// longer) the current revision is sampled into a sliding window that spans the whole period; once
// a full period has passed since the start (and after that every period, capped at an hour), the
// oldest sample, the revision of one period ago, is compacted. A failure is retried a tenth later.
using FastKv.Server.Logging;

namespace FastKv.Server.Compaction;

public sealed class PeriodicCompactor(TimeSpan period, ICompactionTarget target, JsonLog log, TimeProvider? time = null) : RunningCompactor
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>How often the revision is sampled and a failed compaction retried (at least a millisecond, where etcd would divide by zero).</summary>
    public TimeSpan RetryInterval => TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, CompactInterval.Ticks / 10));

    /// <summary>The spacing of compactions after the first: the period, at most an hour.</summary>
    public TimeSpan CompactInterval => period > TimeSpan.FromHours(1) ? TimeSpan.FromHours(1) : period;

    /// <summary>How many samples the window holds: one period's worth plus the current one.</summary>
    public int Retentions => (int)(period.Ticks / RetryInterval.Ticks) + 1;

    protected override async Task RunAsync(CancellationToken stop)
    {
        var samples = new Queue<long>();
        var lastSuccess = _time.GetUtcNow();
        var wait = period;
        while (true)
        {
            samples.Enqueue(target.CurrentRevision);
            if (samples.Count > Retentions) samples.Dequeue();
            await Task.Delay(RetryInterval, _time, stop).ConfigureAwait(false);
            if (!target.IsLeader) continue;
            if (_time.GetUtcNow() - lastSuccess < wait) continue;
            // The first compaction waits a whole period; later ones come every compact interval.
            wait = CompactInterval;
            var revision = samples.Peek();
            log.Info("starting auto periodic compaction", ("revision", revision), ("compact-period", period));
            var started = _time.GetTimestamp();
            if (await TryCompactAsync(target, revision, stop).ConfigureAwait(false) is not { } error)
            {
                log.Info("completed auto periodic compaction", ("revision", revision), ("compact-period", period), ("took", _time.GetElapsedTime(started)));
                lastSuccess = _time.GetUtcNow();
            }
            else
            {
                log.Warn("failed auto periodic compaction", ("revision", revision), ("compact-period", period),
                    ("retry-interval", RetryInterval), ("error", error));
            }
        }
    }
}

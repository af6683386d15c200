// etcd 3.4's revision auto compaction: at every check (five minutes in etcd) the leader compacts at
// the current revision minus the retention, unless that is not positive or was compacted already.
// The check interval is a constant; FASTKV_AUTO_COMPACTION_REVISION_INTERVAL (a Go duration) may
// shorten it for tests, see docs/auto-compaction.md.
using FastKv.Server.Config;
using FastKv.Server.Logging;

namespace FastKv.Server.Compaction;

public sealed class RevisionCompactor(long retention, TimeSpan checkInterval, ICompactionTarget target, JsonLog log, TimeProvider? time = null) : RunningCompactor
{
    public static readonly TimeSpan DefaultCheckInterval = TimeSpan.FromMinutes(5);
    public const string CheckIntervalVariable = "FASTKV_AUTO_COMPACTION_REVISION_INTERVAL";

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>The check interval: etcd's five minutes unless the environment variable sets a positive duration.</summary>
    public static TimeSpan CheckIntervalFrom(string? variable)
    {
        if (string.IsNullOrEmpty(variable)) return DefaultCheckInterval;
        if (!GoDuration.TryParse(variable, out var interval) || interval <= TimeSpan.Zero)
            throw new FlagParseException($"invalid {CheckIntervalVariable} \"{variable}\": must be a positive duration such as 500ms");
        return interval;
    }

    protected override async Task RunAsync(CancellationToken stop)
    {
        long previous = 0;
        while (true)
        {
            await Task.Delay(checkInterval, _time, stop).ConfigureAwait(false);
            if (!target.IsLeader) continue;
            var revision = target.CurrentRevision - retention;
            if (revision <= 0 || revision == previous) continue;
            log.Info("starting auto revision compaction", ("revision", revision), ("revision-compaction-retention", retention));
            var started = _time.GetTimestamp();
            if (await TryCompactAsync(target, revision, stop).ConfigureAwait(false) is not { } error)
            {
                previous = revision;
                log.Info("completed auto revision compaction", ("revision", revision), ("revision-compaction-retention", retention),
                    ("took", _time.GetElapsedTime(started)));
            }
            else
            {
                log.Warn("failed auto revision compaction", ("revision", revision), ("revision-compaction-retention", retention),
                    ("retry-interval", checkInterval), ("error", error));
            }
        }
    }
}

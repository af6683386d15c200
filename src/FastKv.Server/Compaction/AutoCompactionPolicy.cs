// What --auto-compaction-mode and --auto-compaction-retention ask for, parsed as etcd 3.4 parses
// them: a non-negative integer is hours in periodic mode and a revision count in revision mode;
// anything else must be a Go duration (taken as nanoseconds in revision mode, as etcd does).
// Retention 0 turns auto compaction off.
using System.Globalization;
using FastKv.Server.Config;

namespace FastKv.Server.Compaction;

public enum AutoCompactionMode
{
    Periodic,
    Revision,
}

public sealed record AutoCompactionPolicy(AutoCompactionMode Mode, TimeSpan Period, long Revisions)
{
    public const string PeriodicName = "periodic";
    public const string RevisionName = "revision";

    /// <summary>The policy the flags describe, or null when auto compaction is off.</summary>
    public static AutoCompactionPolicy? Parse(string mode, string retention)
    {
        if (mode is not (PeriodicName or RevisionName))
            throw new FlagParseException($"unknown auto-compaction-mode \"{mode}\"");
        var revisionMode = mode == RevisionName;
        if (long.TryParse(retention, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole) && whole >= 0)
        {
            if (whole == 0) return null;
            if (revisionMode) return new AutoCompactionPolicy(AutoCompactionMode.Revision, TimeSpan.Zero, whole);
            if (whole > TimeSpan.MaxValue.TotalHours)
                throw new FlagParseException($"error parsing CompactionRetention: {retention} hours is out of range");
            return new AutoCompactionPolicy(AutoCompactionMode.Periodic, TimeSpan.FromHours(whole), 0);
        }
        if (!GoDuration.TryParse(retention, out var duration))
            throw new FlagParseException($"error parsing CompactionRetention: {DurationError(retention)}");
        if (duration < TimeSpan.Zero)
            throw new FlagParseException($"error parsing CompactionRetention: negative retention \"{retention}\"");
        if (duration == TimeSpan.Zero) return null;
        return revisionMode
            ? new AutoCompactionPolicy(AutoCompactionMode.Revision, TimeSpan.Zero, duration.Ticks * 100)
            : new AutoCompactionPolicy(AutoCompactionMode.Periodic, duration, 0);
    }

    // Go's wording: a bare number is missing its unit, anything else is invalid.
    private static string DurationError(string text)
    {
        var digits = text.TrimStart('+', '-');
        return digits.Length > 0 && digits.All(c => char.IsAsciiDigit(c) || c == '.')
            ? $"time: missing unit in duration \"{text}\""
            : $"time: invalid duration \"{text}\"";
    }
}

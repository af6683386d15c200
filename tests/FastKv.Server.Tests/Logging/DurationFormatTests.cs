// Durations in the logs read as Go prints them, because etcd's log lines are parsed and compared by operators' tooling.
using FastKv.Server.Logging;

namespace FastKv.Server.Tests.Logging;

public sealed class DurationFormatTests
{
    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(5L, "500ns")]
    [InlineData(123_450L, "12.345ms")]
    [InlineData(120L, "12µs")]
    [InlineData(2_500_000L, "250ms")]
    [InlineData(15_000_000L, "1.5s")]
    [InlineData(10_000_000L, "1s")]
    [InlineData(900_000_000L, "1m30s")]
    [InlineData(36_000_000_000L, "1h0m0s")]
    [InlineData(36_610_000_000L, "1h1m1s")]
    [InlineData(-15_000_000L, "-1.5s")]
    [InlineData(601_234_567_8L, "10m1.2345678s")]
    public void Durations_print_like_Go(long ticks, string expected) =>
        Assert.Equal(expected, JsonLog.FormatDuration(TimeSpan.FromTicks(ticks)));
}

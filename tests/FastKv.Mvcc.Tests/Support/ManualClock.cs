// A TimeProvider the test moves by hand, so expiry and token TTLs are decided by the test.
namespace FastKv.Mvcc.Tests.Support;

public sealed class ManualClock : TimeProvider
{
    private long _ticks = 1_000_000_000;
    private DateTimeOffset _utc = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    public override long GetTimestamp() => Interlocked.Read(ref _ticks);
    public override DateTimeOffset GetUtcNow() => _utc;

    public void Advance(TimeSpan by)
    {
        Interlocked.Add(ref _ticks, by.Ticks);
        _utc += by;
    }
}

// A clock tests move by hand: timers (and so Task.Delay with this provider) fire only when Advance
// passes their due time, in due order, so a background loop's schedule can be checked step by step.
namespace FastKv.Server.Tests.Support;

internal sealed class ManualTime : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private int _created;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate) return _now;
    }

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>How many timers were ever created (a loop waiting again creates a new one).</summary>
    public int TimersCreated
    {
        get { lock (_gate) return _created; }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        lock (_gate)
        {
            _created++;
            timer.Schedule(_now, dueTime, period);
            _timers.Add(timer);
        }
        return timer;
    }

    /// <summary>Moves the clock forward, firing each due timer at its due time.</summary>
    public void Advance(TimeSpan by)
    {
        DateTimeOffset target;
        lock (_gate) target = _now + by;
        while (true)
        {
            ManualTimer? next;
            lock (_gate)
            {
                next = _timers.Where(t => t.Due is { } d && d <= target).MinBy(t => t.Due);
                if (next is null)
                {
                    _now = target;
                    return;
                }
                _now = next.Due!.Value;
                next.Fired();
            }
            next.Invoke();
        }
    }

    /// <summary>Waits (bounded) until the loop under test has created its <paramref name="count"/>th timer.</summary>
    public async Task WaitForTimersAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (TimersCreated < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the loop created {TimersCreated} timers, not {count}, within 10 s");
            await Task.Delay(5);
        }
    }

    private void Remove(ManualTimer timer)
    {
        lock (_gate) _timers.Remove(timer);
    }

    private sealed class ManualTimer(ManualTime owner, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public DateTimeOffset? Due { get; private set; }

        public void Schedule(DateTimeOffset now, TimeSpan dueTime, TimeSpan period)
        {
            Due = dueTime == Timeout.InfiniteTimeSpan ? null : now + dueTime;
            _period = period;
        }

        public void Fired() => Due = _period == Timeout.InfiniteTimeSpan || _period == TimeSpan.Zero ? null : Due + _period;

        public void Invoke() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate) Schedule(owner._now, dueTime, period);
            return true;
        }

        public void Dispose() => owner.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

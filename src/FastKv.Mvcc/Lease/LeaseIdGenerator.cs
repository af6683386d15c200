// Lease IDs a member chooses before proposing a grant with ID 0, in etcd's layout: the low
// 16 bits of the member ID, then 40 bits of the start time in milliseconds, then an 8-bit
// counter that simply carries into the time bits. Positive by construction (top bit cleared).
namespace FastKv.Mvcc.Lease;

public sealed class LeaseIdGenerator
{
    private const int CounterBits = 8;
    private const int TimeBits = 40;
    private const int SuffixBits = CounterBits + TimeBits;
    private const ulong SuffixMask = (1UL << SuffixBits) - 1;

    private readonly ulong _prefix;
    private ulong _suffix;

    public LeaseIdGenerator(ulong memberId, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        _prefix = (memberId & 0xFFFF) << SuffixBits;
        var ms = (ulong)time.GetUtcNow().ToUnixTimeMilliseconds();
        _suffix = (ms & ((1UL << TimeBits) - 1)) << CounterBits;
    }

    public long Next()
    {
        while (true)
        {
            var suffix = Interlocked.Increment(ref _suffix);
            var id = (long)((_prefix | (suffix & SuffixMask)) & long.MaxValue);
            if (id != 0) return id;
        }
    }
}

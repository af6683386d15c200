// A tiny deterministic generator for election-timeout jitter, so the same seed replays the same run.
namespace FastKv.Raft;

internal struct XorShiftRandom
{
    private ulong _s;

    public XorShiftRandom(ulong seed) => _s = seed == 0 ? 0x9E3779B97F4A7C15UL : seed;

    public ulong Next()
    {
        _s ^= _s << 13;
        _s ^= _s >> 7;
        _s ^= _s << 17;
        return _s;
    }

    public int Next(int maxExclusive) => (int)(Next() % (ulong)maxExclusive);
}

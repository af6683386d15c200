// Requests built before the clock starts: request number i always maps to the same message, built
// up front when the run is small enough to hold them all (so workers only look them up) and on
// demand otherwise. Messages are shared read-only between workers.
namespace FastKv.LoadGen;

public sealed class RequestTable<T>
{
    /// <summary>Runs up to this many requests keep every message in memory.</summary>
    public const int PrebuiltLimit = 1 << 20;

    private readonly T[]? _prebuilt;
    private readonly Func<long, T> _make;

    public RequestTable(long total, Func<long, T> make)
    {
        _make = make;
        if (total > PrebuiltLimit) return;
        _prebuilt = new T[total];
        for (var i = 0; i < total; i++) _prebuilt[i] = make(i);
    }

    public T this[long number]
    {
        get
        {
            if (_prebuilt is { } built) return built[number];
            // Builders keep state (a seeded Random, ...) that is not safe to share between workers.
            lock (_make) return _make(number);
        }
    }
}

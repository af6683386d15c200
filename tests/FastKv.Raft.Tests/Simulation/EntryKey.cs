// A compact identity of an entry's content, so invariants compare entries without holding payloads.
namespace FastKv.Raft.Tests.Simulation;

public static class EntryKey
{
    public static ulong Of(in Entry e)
    {
        var d = e.Data.Span;
        if (e.Type == EntryType.Normal && d.Length == 8) return BitConverter.ToUInt64(d);
        ulong h = 14695981039346656037UL ^ (ulong)e.Type;
        foreach (var b in d) { h ^= b; h *= 1099511628211UL; }
        return d.Length == 0 && e.Type == EntryType.Normal ? 0 : h | 1UL << 63;
    }

    public static ulong Chain(ulong hash, ulong term, ulong key)
    {
        hash ^= key + 0x9E3779B97F4A7C15UL + (hash << 6) + (hash >> 2);
        hash ^= term * 0xBF58476D1CE4E5B9UL;
        return hash * 0x94D049BB133111EBUL;
    }
}

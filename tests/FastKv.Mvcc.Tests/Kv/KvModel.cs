// A plain multi-version key-value model: a full copy of the key space at every revision and
// the events of every revision. Slow and obviously right; the property tests compare KvStore to it.
namespace FastKv.Mvcc.Tests.Kv;

internal sealed record ModelKv(string Key, string Value, long Create, long Mod, long Version, long Lease);

internal sealed record ModelEvent(bool IsPut, ModelKv Kv);

internal sealed class KvModel
{
    public long Rev = 1;
    public long Compact;
    public SortedDictionary<string, ModelKv> Cur = new(StringComparer.Ordinal);
    public readonly Dictionary<long, SortedDictionary<string, ModelKv>> States = new() { [1] = new(StringComparer.Ordinal) };
    public readonly Dictionary<long, List<ModelEvent>> Events = [];
    private List<ModelEvent>? _txnEvents;

    public void Begin() => _txnEvents = [];

    public long WriteRevision => Rev + 1;

    /// <summary>The revision reads inside the current transaction see.</summary>
    public long ReadRevision => _txnEvents is { Count: > 0 } ? Rev + 1 : Rev;

    public void Put(string key, string value, long lease)
    {
        long rev = Rev + 1;
        var kv = Cur.TryGetValue(key, out var old)
            ? new ModelKv(key, value, old.Create, rev, old.Version + 1, lease)
            : new ModelKv(key, value, rev, rev, 1, lease);
        Cur[key] = kv;
        _txnEvents!.Add(new ModelEvent(true, kv));
    }

    public void Delete(string key)
    {
        if (!Cur.Remove(key)) return;
        _txnEvents!.Add(new ModelEvent(false, new ModelKv(key, "", 0, Rev + 1, 0, 0)));
    }

    public void End()
    {
        if (_txnEvents is { Count: > 0 })
        {
            Rev++;
            States[Rev] = new SortedDictionary<string, ModelKv>(Cur, StringComparer.Ordinal);
            Events[Rev] = _txnEvents;
        }
        _txnEvents = null;
    }

    public static bool InRange(string k, string key, string? end) =>
        end is null ? k == key : string.CompareOrdinal(k, key) >= 0 && (end == "\0" || string.CompareOrdinal(k, end) < 0);

    public List<ModelKv> RangeAt(long rev, string key, string? end) =>
        (rev == Rev + 1 ? Cur : States[rev]).Values.Where(kv => InRange(kv.Key, key, end)).ToList();
}

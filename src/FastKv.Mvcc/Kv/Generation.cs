// One life of a key, from the put that created it to the delete that ended it (or to now):
// the revisions that changed it and the version its last kept revision carries. A generation
// whose last revision is a tombstone is closed; the key's open generation may be empty (deleted).
namespace FastKv.Mvcc.Kv;

internal sealed class Generation
{
    public Revision Created;
    /// <summary>The version of the newest revision in <see cref="Revs"/> (survives compaction of older ones).</summary>
    public long Version;
    public Revision[] Revs;
    public int Count;

    public Generation() => Revs = [];

    public Generation(Revision created, long version, Revision first)
    {
        Created = created;
        Version = version;
        Revs = [first];
        Count = 1;
    }

    public bool IsEmpty => Count == 0;
    public Revision Last => Revs[Count - 1];

    public void Append(Revision rev)
    {
        if (Count == Revs.Length)
            Array.Resize(ref Revs, Count == 0 ? 1 : Count < 8 ? Count * 2 : Count + Count / 2);
        Revs[Count++] = rev;
        Version++;
    }

    /// <summary>Index of the newest revision whose main is at most <paramref name="atMain"/>, or -1.</summary>
    public int IndexAtOrBefore(long atMain)
    {
        int lo = 0, hi = Count - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (Revs[mid].Main <= atMain) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found;
    }

    public long VersionAt(int index) => Version - (Count - 1 - index);

    /// <summary>Forgets the revisions before <paramref name="index"/>. The array keeps its capacity: with
    /// compaction bounding history, a key's list then refills the same array without allocating.</summary>
    public void DropBefore(int index)
    {
        if (index <= 0) return;
        int keep = Count - index;
        Array.Copy(Revs, index, Revs, 0, keep);
        Count = keep;
    }
}

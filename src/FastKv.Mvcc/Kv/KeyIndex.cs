// Everything the key space remembers about one key in memory: its generations of revisions
// (values stay in the page file) and the lease of its newest put. This is the unit the
// in-memory index is made of, so it is kept small: one object per generation, revisions as
// 16-byte structs in an array.
namespace FastKv.Mvcc.Kv;

internal sealed class KeyIndex
{
    public readonly byte[] Key;
    /// <summary>The lease of the newest put when the key is live, else 0.</summary>
    public long Lease;
    private Generation[] _gens;
    private int _genCount;

    public KeyIndex(byte[] key)
    {
        Key = key;
        _gens = [new Generation()];
        _genCount = 1;
    }

    private Generation Open => _gens[_genCount - 1];

    /// <summary>True when nothing is left: one empty generation.</summary>
    public bool IsEmpty => _genCount == 1 && _gens[0].IsEmpty;

    /// <summary>True when the key exists now (its open generation has revisions).</summary>
    public bool IsLive => !Open.IsEmpty;

    public Revision Modified => Open.IsEmpty ? (_genCount > 1 ? _gens[_genCount - 2].Last : default) : Open.Last;

    /// <summary>Created revision and version of the live key (defaults when deleted).</summary>
    public (Revision Created, long Version) Current => Open.IsEmpty ? default : (Open.Created, Open.Version);

    public void Put(Revision rev)
    {
        var g = Open;
        if (g.IsEmpty) g.Created = rev;
        g.Append(rev);
    }

    /// <summary>Adds the first revision seen when rebuilding from disk, whose create revision and version the stored value carries.</summary>
    public void Restore(Revision created, Revision modified, long version)
    {
        var g = Open;
        g.Created = created;
        g.Version = version - 1;
        g.Append(modified);
    }

    /// <summary>Closes the open generation with a tombstone; false when the key is already deleted.</summary>
    public bool Tombstone(Revision rev)
    {
        if (Open.IsEmpty) return false;
        Put(rev);
        if (_genCount == _gens.Length) Array.Resize(ref _gens, _genCount * 2);
        _gens[_genCount++] = new Generation();
        Lease = 0;
        return true;
    }

    /// <summary>The revision visible at <paramref name="atMain"/> with its create revision and version; false when the key did not exist then.</summary>
    public bool TryGet(long atMain, out Revision rev, out Revision created, out long version)
    {
        rev = created = default;
        version = 0;
        var g = FindGeneration(atMain);
        if (g is null) return false;
        int n = g.IndexAtOrBefore(atMain);
        if (n < 0) return false;
        rev = g.Revs[n];
        created = g.Created;
        version = g.VersionAt(n);
        return true;
    }

    private Generation? FindGeneration(long atMain)
    {
        int last = _genCount - 1;
        for (int i = last; i >= 0; i--)
        {
            var g = _gens[i];
            if (g.IsEmpty) continue;
            // A closed generation ends at its tombstone: at or after it the key did not exist.
            if (i != last && g.Last.Main <= atMain) return null;
            if (g.Revs[0].Main <= atMain) return g;
        }
        return null;
    }

    /// <summary>
    /// Adds to <paramref name="keep"/> the revisions a compaction at <paramref name="atMain"/>
    /// keeps on disk, and with <paramref name="apply"/> drops everything older from memory.
    /// </summary>
    public void Compact(long atMain, HashSet<Revision>? keep, bool apply)
    {
        int gi = 0;
        // The first generation still alive at atMain (or created after it).
        while (gi < _genCount - 1 && _gens[gi].Last.Main <= atMain) gi++;
        var g = _gens[gi];
        int ri = g.IsEmpty ? -1 : g.IndexAtOrBefore(atMain);
        bool dropTombstone = false;
        if (ri >= 0)
        {
            // Only the tombstone would remain of a closed generation: the key was deleted by
            // atMain, so neither it nor the generation is worth keeping.
            dropTombstone = g.Count - ri == 1 && gi != _genCount - 1;
            if (!dropTombstone) keep?.Add(g.Revs[ri]);
        }
        if (!apply) return;
        if (ri > 0) g.DropBefore(ri);
        if (dropTombstone) gi++;
        if (gi > 0)
        {
            // Shifted in place (at least the open generation is left), so compaction allocates nothing.
            int left = _genCount - gi;
            Array.Copy(_gens, gi, _gens, 0, left);
            Array.Clear(_gens, left, _genCount - left);
            _genCount = left;
        }
    }

    /// <summary>Every revision held, oldest first (tests and diagnostics).</summary>
    public IEnumerable<Revision> AllRevisions()
    {
        for (int i = 0; i < _genCount; i++)
            for (int j = 0; j < _gens[i].Count; j++)
                yield return _gens[i].Revs[j];
    }
}

// The in-memory index of every key, sorted by key bytes for range scans. A two-level sorted
// structure (a list of sorted chunks of at most ChunkSize entries) keeps inserts cheap without
// a full B-tree: an insert moves at most one chunk's references. Not thread-safe; the key
// space guards it with its reader/writer lock.
namespace FastKv.Mvcc.Kv;

internal sealed class KeyIndexTree
{
    private const int ChunkSize = 256;

    private sealed class Chunk
    {
        public readonly KeyIndex[] Items = new KeyIndex[ChunkSize];
        public int Count;
        public byte[] LastKey => Items[Count - 1].Key;
    }

    private readonly List<Chunk> _chunks = [];

    public int Count { get; private set; }

    /// <summary>A place in the sorted order: chunk and slot.</summary>
    public struct Position
    {
        internal int Chunk;
        internal int Slot;
    }

    public KeyIndex? Get(ReadOnlySpan<byte> key)
    {
        int c = FindChunk(key);
        if (c >= _chunks.Count) return null;
        var chunk = _chunks[c];
        int s = FindSlot(chunk, key);
        return s >= 0 ? chunk.Items[s] : null;
    }

    public KeyIndex GetOrAdd(ReadOnlySpan<byte> key)
    {
        int c = FindChunk(key);
        if (c == _chunks.Count)
        {
            // Greater than every key: append to the last chunk (or a new one).
            if (c == 0 || _chunks[c - 1].Count == ChunkSize) _chunks.Add(new Chunk());
            else c--;
        }
        var chunk = _chunks[c];
        int s = FindSlot(chunk, key);
        if (s >= 0) return chunk.Items[s];
        s = ~s;
        var ki = new KeyIndex(key.ToArray());
        if (chunk.Count == ChunkSize)
        {
            var right = new Chunk();
            int half = ChunkSize / 2;
            Array.Copy(chunk.Items, half, right.Items, 0, ChunkSize - half);
            Array.Clear(chunk.Items, half, ChunkSize - half);
            right.Count = ChunkSize - half;
            chunk.Count = half;
            _chunks.Insert(c + 1, right);
            if (s > half) { chunk = right; s -= half; }
        }
        Array.Copy(chunk.Items, s, chunk.Items, s + 1, chunk.Count - s);
        chunk.Items[s] = ki;
        chunk.Count++;
        Count++;
        return ki;
    }

    public void Remove(ReadOnlySpan<byte> key)
    {
        int c = FindChunk(key);
        if (c >= _chunks.Count) return;
        var chunk = _chunks[c];
        int s = FindSlot(chunk, key);
        if (s < 0) return;
        chunk.Count--;
        Array.Copy(chunk.Items, s + 1, chunk.Items, s, chunk.Count - s);
        chunk.Items[chunk.Count] = null!;
        Count--;
        if (chunk.Count == 0) _chunks.RemoveAt(c);
    }

    /// <summary>The first position whose key is at least <paramref name="key"/>.</summary>
    public Position Seek(ReadOnlySpan<byte> key)
    {
        int c = FindChunk(key);
        if (c >= _chunks.Count) return new Position { Chunk = c, Slot = 0 };
        int s = FindSlot(_chunks[c], key);
        return new Position { Chunk = c, Slot = s >= 0 ? s : ~s };
    }

    /// <summary>The entry at <paramref name="at"/> and advances it; false past the end.</summary>
    public bool Next(ref Position at, out KeyIndex ki)
    {
        while (at.Chunk < _chunks.Count)
        {
            var chunk = _chunks[at.Chunk];
            if (at.Slot < chunk.Count)
            {
                ki = chunk.Items[at.Slot++];
                return true;
            }
            at.Chunk++;
            at.Slot = 0;
        }
        ki = null!;
        return false;
    }

    /// <summary>Every entry in key order (index rebuilds, compaction, tests).</summary>
    public IEnumerable<KeyIndex> All()
    {
        foreach (var chunk in _chunks)
            for (int i = 0; i < chunk.Count; i++)
                yield return chunk.Items[i];
    }

    /// <summary>Removes every entry matching <paramref name="drop"/>, keeping the order.</summary>
    public void RemoveWhere(Func<KeyIndex, bool> drop)
    {
        for (int c = _chunks.Count - 1; c >= 0; c--)
        {
            var chunk = _chunks[c];
            int w = 0;
            for (int r = 0; r < chunk.Count; r++)
            {
                if (drop(chunk.Items[r])) { Count--; continue; }
                chunk.Items[w++] = chunk.Items[r];
            }
            Array.Clear(chunk.Items, w, chunk.Count - w);
            chunk.Count = w;
            if (w == 0) _chunks.RemoveAt(c);
        }
    }

    // First chunk whose last key >= key (== _chunks.Count when key is past every chunk).
    private int FindChunk(ReadOnlySpan<byte> key)
    {
        int lo = 0, hi = _chunks.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_chunks[mid].LastKey.AsSpan().SequenceCompareTo(key) < 0) lo = mid + 1;
            else hi = mid - 1;
        }
        return lo;
    }

    private static int FindSlot(Chunk chunk, ReadOnlySpan<byte> key)
    {
        int lo = 0, hi = chunk.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int c = chunk.Items[mid].Key.AsSpan().SequenceCompareTo(key);
            if (c == 0) return mid;
            if (c < 0) lo = mid + 1;
            else hi = mid - 1;
        }
        return ~lo;
    }
}

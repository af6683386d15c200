// The leader's queue of ReadIndex requests (thesis §6.4). Requests are answered in arrival order:
// a quorum acknowledging the heartbeat that carried request k confirms every request before k too,
// which is how many reads share one heartbeat round.
namespace FastKv.Raft;

internal sealed class ReadOnlyQueue
{
    public readonly ReadOnlyOption Option;
    private readonly Dictionary<byte[], ReadIndexStatus> _pending = new(ByteArrayComparer.Instance);
    private readonly List<ReadIndexStatus> _queue = new();

    public ReadOnlyQueue(ReadOnlyOption option) => Option = option;

    public int PendingCount => _queue.Count;

    public void AddRequest(ulong index, ulong from, ReadOnlySpan<byte> ctx)
    {
        var key = ctx.ToArray();
        if (_pending.ContainsKey(key)) return;
        var st = new ReadIndexStatus { Index = index, From = from, Context = key };
        _pending.Add(key, st);
        _queue.Add(st);
    }

    // Records that `id` acknowledged the heartbeat carrying ctx; returns the acks so far, or null if unknown.
    public Dictionary<ulong, bool>? RecvAck(ulong id, ReadOnlySpan<byte> ctx)
    {
        if (!_pending.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(ctx, out var st)) return null;
        st.Acks[id] = true;
        return st.Acks;
    }

    // Removes and returns every request up to and including the one with ctx.
    public List<ReadIndexStatus> Advance(ReadOnlySpan<byte> ctx)
    {
        var done = new List<ReadIndexStatus>();
        int i = 0;
        bool found = false;
        for (; i < _queue.Count; i++)
        {
            if (_queue[i].Context.AsSpan().SequenceEqual(ctx)) { found = true; break; }
        }
        if (!found) return done;
        for (int j = 0; j <= i; j++)
        {
            done.Add(_queue[j]);
            _pending.Remove(_queue[j].Context);
        }
        _queue.RemoveRange(0, i + 1);
        return done;
    }

    public ReadOnlyMemory<byte> LastPendingRequestContext => _queue.Count == 0 ? ReadOnlyMemory<byte>.Empty : _queue[^1].Context;
}

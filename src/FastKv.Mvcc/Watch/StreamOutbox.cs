// A stream's ordered output queue. Event entries count against the stream's bound: when it is
// full the hub stops feeding the stream's watchers live (they catch up from history later), so
// a client that does not read never blocks the apply thread or grows memory without limit.
// Control entries (created, canceled, progress) are never refused, so their order is kept.
// Writers hold the hub's lock; the one reader is the server's send loop.
using System.Threading.Channels;

namespace FastKv.Mvcc.Watch;

internal sealed class StreamOutbox
{
    private readonly Channel<OutboxEntry> _channel = Channel.CreateUnbounded<OutboxEntry>(new UnboundedChannelOptions
    {
        SingleReader = true,
        SingleWriter = false,
        // Waking the reader must not run the server's send loop on the apply thread.
        AllowSynchronousContinuations = false,
    });

    private readonly int _limit;
    private int _eventEntries;

    public StreamOutbox(int limit) => _limit = limit;

    public bool HasRoom => Volatile.Read(ref _eventEntries) < _limit;

    public int EventEntries => Volatile.Read(ref _eventEntries);

    public bool TryEnqueueEvents(in OutboxEntry entry)
    {
        if (!HasRoom) return false;
        Interlocked.Increment(ref _eventEntries);
        if (_channel.Writer.TryWrite(entry)) return true;
        Interlocked.Decrement(ref _eventEntries);
        return false;
    }

    public void EnqueueControl(in OutboxEntry entry) => _channel.Writer.TryWrite(entry);

    public bool TryDequeue(out OutboxEntry entry)
    {
        if (!_channel.Reader.TryRead(out entry)) return false;
        if (entry.Kind == OutboxEntryKind.Events) Interlocked.Decrement(ref _eventEntries);
        return true;
    }

    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken) =>
        _channel.Reader.WaitToReadAsync(cancellationToken);

    public void Complete() => _channel.Writer.TryComplete();
}

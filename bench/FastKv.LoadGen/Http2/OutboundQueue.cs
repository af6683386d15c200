// Connection-level send flow control: request data goes out as DATA frames only while both the
// connection window and the stream's window allow, in frames no larger than the server's
// MAX_FRAME_SIZE. What does not fit waits here, in order, until WINDOW_UPDATE or SETTINGS grow a
// window. A stream blocked on its own window does not hold back other streams, but its own
// pieces always leave in order. All members are used under the connection lock.
namespace FastKv.LoadGen.Http2;

public sealed class OutboundQueue
{
    public const int DefaultWindow = 65535;

    private readonly List<OutboundData> _blocked = [];
    private int _pass;

    /// <summary>The server's connection-level window.</summary>
    public long ConnectionWindow { get; set; } = DefaultWindow;

    public int BlockedCount => _blocked.Count;

    /// <summary>Writes what the windows allow now; true when the entry went out whole, false when it (or its rest) waits.</summary>
    public bool Send(OutboundData entry, OutputBuffer output, int maxFrameSize)
    {
        var stream = entry.Stream;
        var mayGoNow = _blocked.Count == 0 || (ConnectionWindow > 0 && stream.BlockedEntries == 0);
        if (mayGoNow && TryWrite(ref entry, output, maxFrameSize)) return true;
        stream.BlockedEntries++;
        _blocked.Add(entry);
        return false;
    }

    /// <summary>After a window grew: writes the waiting pieces that now fit, oldest first.</summary>
    public void Drain(OutputBuffer output, int maxFrameSize)
    {
        if (_blocked.Count == 0) return;
        _pass++;
        var keep = 0;
        for (var i = 0; i < _blocked.Count; i++)
        {
            var entry = _blocked[i];
            var stream = entry.Stream;
            var done = false;
            if (stream.DrainPass != _pass)
            {
                done = TryWrite(ref entry, output, maxFrameSize);
                if (!done) stream.DrainPass = _pass;
            }
            if (done)
            {
                stream.BlockedEntries--;
                entry.Written?.TrySetResult();
            }
            else
            {
                _blocked[keep++] = entry;
            }
        }
        _blocked.RemoveRange(keep, _blocked.Count - keep);
    }

    /// <summary>Drops a finished stream's waiting pieces; their writers see the error.</summary>
    public void Remove(H2Stream stream, Exception error)
    {
        if (stream.BlockedEntries == 0) return;
        var keep = 0;
        for (var i = 0; i < _blocked.Count; i++)
        {
            var entry = _blocked[i];
            if (ReferenceEquals(entry.Stream, stream)) entry.Written?.TrySetException(error);
            else _blocked[keep++] = entry;
        }
        _blocked.RemoveRange(keep, _blocked.Count - keep);
        stream.BlockedEntries = 0;
    }

    private bool TryWrite(ref OutboundData entry, OutputBuffer output, int maxFrameSize)
    {
        var stream = entry.Stream;
        if (entry.Offset == entry.End)
        {
            // An empty piece needs no window (a bare END_STREAM).
            if (entry.EndStream) FrameWriter.WriteData(output, stream.Id, default, endStream: true);
        }
        while (entry.Offset < entry.End)
        {
            var window = Math.Min(ConnectionWindow, stream.SendWindow);
            var n = (int)Math.Min(Math.Min(entry.End - entry.Offset, maxFrameSize), window);
            if (n <= 0) return false;
            var last = entry.Offset + n == entry.End;
            FrameWriter.WriteData(output, stream.Id, entry.Buffer.AsSpan(entry.Offset, n), entry.EndStream && last);
            entry.Offset += n;
            ConnectionWindow -= n;
            stream.SendWindow -= n;
        }
        if (entry.EndStream) stream.LocalEnded = true;
        return true;
    }
}

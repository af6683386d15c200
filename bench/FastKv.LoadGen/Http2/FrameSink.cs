// Coalesces the frames that many callers write into few socket sends. Writers append to the
// filling buffer under the connection's lock and ask for a flush; one flusher at a time swaps the
// buffers and sends everything gathered so far, looping until nothing is left. A flush asked for
// on the connection's reader thread while it dispatches a batch of frames is left to the reader,
// which flushes once after the batch (the callers it woke wrote their next requests meanwhile);
// anywhere else a thread-pool work item flushes, so the caller never waits on the socket.
using System.Net.Sockets;

namespace FastKv.LoadGen.Http2;

public sealed class FrameSink : IThreadPoolWorkItem
{
    [ThreadStatic] private static FrameSink? t_deferredTo;

    private readonly object _sync;
    private readonly Socket _socket;
    private readonly Action<Exception> _onSendFailed;
    private OutputBuffer _filling = new();
    private OutputBuffer _sending = new();
    private bool _flushOwned;

    /// <param name="sync">The connection's lock, held by everyone who touches <see cref="Buffer"/>.</param>
    public FrameSink(object sync, Socket socket, Action<Exception> onSendFailed)
    {
        _sync = sync;
        _socket = socket;
        _onSendFailed = onSendFailed;
    }

    /// <summary>Where frames are appended; only under the lock, and not kept past it.</summary>
    public OutputBuffer Buffer => _filling;

    /// <summary>Total bytes handed to the socket (for tests and diagnostics).</summary>
    public long BytesSent { get; private set; }

    /// <summary>Number of socket sends so far.</summary>
    public long Sends { get; private set; }

    /// <summary>Under the lock, after appending: makes sure someone sends the buffer soon.</summary>
    public void RequestFlush()
    {
        if (_flushOwned || _filling.Length == 0 || t_deferredTo == this) return;
        _flushOwned = true;
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
    }

    /// <summary>The reader marks its dispatch: flush requests on this thread wait for <see cref="EndDeferral"/>.</summary>
    public void BeginDeferral() => t_deferredTo = this;

    /// <summary>Ends the reader's dispatch and flushes what it and the callers it woke have written.</summary>
    public void EndDeferral()
    {
        t_deferredTo = null;
        lock (_sync)
        {
            if (_flushOwned || _filling.Length == 0) return;
            _flushOwned = true;
        }
        // Runs inline until a send would block; the reader then goes back to reading.
        _ = FlushLoopAsync();
    }

    void IThreadPoolWorkItem.Execute() => _ = FlushLoopAsync();

    private async Task FlushLoopAsync()
    {
        try
        {
            while (true)
            {
                OutputBuffer sending;
                lock (_sync)
                {
                    if (_filling.Length == 0)
                    {
                        _flushOwned = false;
                        return;
                    }
                    (_filling, _sending) = (_sending, _filling);
                    sending = _sending;
                }
                var bytes = sending.WrittenMemory;
                while (!bytes.IsEmpty)
                {
                    var sent = await _socket.SendAsync(bytes, SocketFlags.None).ConfigureAwait(false);
                    bytes = bytes[sent..];
                    BytesSent += sent;
                }
                Sends++;
                sending.Clear();
            }
        }
        catch (Exception e)
        {
            // _flushOwned stays set: a broken socket takes no more sends; the connection fails its calls.
            _onSendFailed(e);
        }
    }
}

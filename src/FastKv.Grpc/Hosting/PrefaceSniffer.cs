// Connection middleware on a cleartext port: peeks at the first bytes without consuming them. The
// 24-byte HTTP/2 client preface means prior-knowledge h2c and the connection goes to the HTTP/2
// pipeline; anything else continues down the HTTP/1.1 pipeline. Kestrel alone would treat every
// cleartext connection of an Http1AndHttp2 endpoint as HTTP/1.1.
using System.Buffers;
using Microsoft.AspNetCore.Connections;

namespace FastKv.Grpc.Hosting;

internal sealed class PrefaceSniffer(Http2HandoffListener http2, TimeSpan timeout)
{
    private static ReadOnlySpan<byte> Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    public async Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate http1)
    {
        bool? isHttp2;
        using (var timer = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed))
        {
            timer.CancelAfter(timeout);
            try
            {
                isHttp2 = await SniffAsync(connection, timer.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                isHttp2 = null;
            }
        }

        if (isHttp2 is null) return; // closed, silent or too slow before saying anything decisive
        if (isHttp2.Value) await http2.HandOffAsync(connection).ConfigureAwait(false);
        else await http1(connection).ConfigureAwait(false);
    }

    /// <summary>True for HTTP/2, false for anything else, null if the peer closed first.</summary>
    private static async Task<bool?> SniffAsync(ConnectionContext connection, CancellationToken cancellationToken)
    {
        var input = connection.Transport.Input;
        long examined = 0;
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var decision = Classify(buffer);
            if (decision is not null)
            {
                // Leave every byte for the protocol pipeline; "examined" may not move backwards,
                // and stopping short of the end makes its first read return at once.
                input.AdvanceTo(buffer.Start, buffer.GetPosition(examined));
                return decision;
            }
            if (result.IsCompleted || result.IsCanceled)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                return null;
            }
            examined = buffer.Length;
            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static bool? Classify(in ReadOnlySequence<byte> buffer)
    {
        var preface = Preface;
        var available = (int)Math.Min(buffer.Length, preface.Length);
        if (available == 0) return null;
        Span<byte> head = stackalloc byte[preface.Length];
        buffer.Slice(0, available).CopyTo(head);
        if (!head[..available].SequenceEqual(preface[..available])) return false;
        return available == preface.Length ? true : null;
    }
}

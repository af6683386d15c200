// A hand-driven HTTP/2 server on a loopback socket for the transport tests: it checks the client
// preface, sends the SETTINGS a test chooses, and then reads and writes raw frames as the test
// scripts them, so windows, resets, GOAWAY and odd header encodings can be produced at will.
using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FastKv.Grpc.Hosting;
using FastKv.LoadGen.Http2;
using Google.Protobuf;

namespace FastKv.LoadGen.Tests;

internal sealed class ScriptedH2Peer : IAsyncDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private readonly TcpListener _listener;
    private readonly FrameReader _reader = new();
    private Socket? _socket;

    private ScriptedH2Peer(TcpListener listener) => _listener = listener;

    public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    public static ScriptedH2Peer Listen()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new ScriptedH2Peer(listener);
    }

    /// <summary>Accepts the client, checks its preface and answers with <paramref name="settings"/>.</summary>
    public async Task AcceptAsync(params (ushort Id, uint Value)[] settings)
    {
        using var timeout = new CancellationTokenSource(Bound);
        _socket = await _listener.AcceptSocketAsync(timeout.Token);
        var preface = new byte[FrameWriter.ClientPreface.Length];
        var read = 0;
        while (read < preface.Length)
        {
            var n = await _socket.ReceiveAsync(preface.AsMemory(read), SocketFlags.None, timeout.Token);
            if (n == 0) throw new IOException("client closed before its preface");
            read += n;
        }
        Assert.True(FrameWriter.ClientPreface.SequenceEqual(preface), "client preface");
        await SendAsync(o => FrameWriter.WriteSettings(o, settings));
    }

    /// <summary>Accepts the client and answers with raw bytes instead of HTTP/2 (an HTTP/1.1 server, say).</summary>
    public async Task AcceptRawAsync(byte[] reply)
    {
        using var timeout = new CancellationTokenSource(Bound);
        _socket = await _listener.AcceptSocketAsync(timeout.Token);
        await _socket.SendAsync(reply, SocketFlags.None);
    }

    /// <summary>Convenience for a client that connects in the background: accept and connect together.</summary>
    public static async Task<(ScriptedH2Peer Peer, H2Connection Client)> ConnectAsync(H2ConnectionOptions? options, params (ushort Id, uint Value)[] settings)
    {
        var peer = Listen();
        var connecting = H2Connection.ConnectAsync(peer.Address, options);
        await peer.AcceptAsync(settings);
        var client = await connecting.WaitAsync(Bound);
        return (peer, client);
    }

    public async Task SendAsync(Action<OutputBuffer> write)
    {
        var output = new OutputBuffer();
        write(output);
        var bytes = output.WrittenMemory;
        while (!bytes.IsEmpty)
        {
            var n = await _socket!.SendAsync(bytes, SocketFlags.None);
            bytes = bytes[n..];
        }
    }

    /// <summary>The next frame from the client; throws after the bound or when it closes.</summary>
    public async Task<(FrameHeader Header, byte[] Payload)> ReadFrameAsync(TimeSpan? bound = null)
    {
        using var timeout = new CancellationTokenSource(bound ?? Bound);
        while (true)
        {
            if (TryTake(out var frame)) return frame;
            var n = await _socket!.ReceiveAsync(_reader.FreeSpace, SocketFlags.None, timeout.Token);
            if (n == 0) throw new IOException("client closed the connection");
            _reader.Commit(n);
        }
    }

    private bool TryTake(out (FrameHeader, byte[]) frame)
    {
        frame = default;
        if (!_reader.TryRead(out var header, out var payload)) return false;
        frame = (header, payload.ToArray());
        return true;
    }

    /// <summary>Reads frames until one of <paramref name="type"/> arrives (connection SETTINGS, WINDOW_UPDATE, ... are skipped).</summary>
    public async Task<(FrameHeader Header, byte[] Payload)> ReadFrameOfTypeAsync(byte type, TimeSpan? bound = null)
    {
        while (true)
        {
            var frame = await ReadFrameAsync(bound);
            if (frame.Header.Type == type) return frame;
        }
    }

    /// <summary>Reads one request: its HEADERS and the DATA up to END_STREAM; returns the stream id and the body.</summary>
    public async Task<(int StreamId, byte[] Body)> ReadRequestAsync()
    {
        var headers = await ReadFrameOfTypeAsync(FrameType.Headers);
        var body = new List<byte>();
        while (true)
        {
            var frame = await ReadFrameAsync();
            if (frame.Header.Type != FrameType.Data || frame.Header.StreamId != headers.Header.StreamId) continue;
            body.AddRange(frame.Payload);
            if (frame.Header.HasFlag(FrameFlags.EndStream)) return (headers.Header.StreamId, body.ToArray());
        }
    }

    public static byte[] LiteralBlock(params (string Name, string Value)[] fields)
    {
        var block = new ArrayBufferWriter<byte>();
        foreach (var (name, value) in fields) HpackLiteralEncoder.Write(block, Encoding.ASCII.GetBytes(name), Encoding.ASCII.GetBytes(value));
        return block.WrittenSpan.ToArray();
    }

    public static byte[] Framed(IMessage message)
    {
        var bytes = new byte[5 + message.CalculateSize()];
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(1), (uint)(bytes.Length - 5));
        message.WriteTo(bytes.AsSpan(5));
        return bytes;
    }

    /// <summary>A whole successful unary response with plain literal headers: HEADERS, DATA, trailers.</summary>
    public Task SendResponseAsync(int streamId, IMessage message) => SendAsync(o =>
    {
        FrameWriter.WriteHeaders(o, streamId, LiteralBlock((":status", "200"), ("content-type", "application/grpc")), endStream: false, 16384);
        FrameWriter.WriteData(o, streamId, Framed(message), endStream: false);
        FrameWriter.WriteHeaders(o, streamId, LiteralBlock(("grpc-status", "0")), endStream: true, 16384);
    });

    public void Drop()
    {
        _socket?.Shutdown(SocketShutdown.Both);
        _socket?.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        _socket?.Dispose();
        _listener.Stop();
        return ValueTask.CompletedTask;
    }
}

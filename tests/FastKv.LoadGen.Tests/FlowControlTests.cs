// Against a server with tiny windows and a stream limit, every request still arrives whole and in
// order, the client never sends more than a window allows or opens more streams than allowed,
// and it replenishes the windows it grants as it consumes response bodies.
using System.Buffers.Binary;
using FastKv.Api.Etcdserverpb;
using FastKv.LoadGen.Http2;
using Google.Protobuf;

namespace FastKv.LoadGen.Tests;

public sealed class FlowControlTests
{
    private static PutRequest Request(int i, int valueSize) => new()
    {
        Key = ByteString.CopyFromUtf8($"key-{i}"),
        Value = ByteString.CopyFrom(Enumerable.Range(0, valueSize).Select(b => (byte)(b * 31 + i)).ToArray()),
    };

    [Fact]
    public async Task Tiny_windows_and_a_stream_limit_still_deliver_every_request_intact()
    {
        const int Calls = 40;
        const int ValueSize = 3000; // 40 x 3 KB > the 65535-byte connection window
        const int StreamWindow = 100;
        const int StreamLimit = 3;
        var (peer, client) = await ScriptedH2Peer.ConnectAsync(null,
            (SettingId.InitialWindowSize, StreamWindow), (SettingId.MaxConcurrentStreams, StreamLimit));
        await using var _ = peer;
        using var __ = client;

        var calls = Enumerable.Range(0, Calls)
            .Select(i => client.UnaryAsync("/etcdserverpb.KV/Put", Request(i, ValueSize), PutResponse.Parser).AsTask())
            .ToArray();

        long connectionWindow = 65535;
        var streamWindows = new Dictionary<int, long>();
        var bodies = new Dictionary<int, List<byte>>();
        var violations = new List<string>();
        var lastStreamId = -1;
        var maxOpen = 0;
        var answered = 0;
        var consumedSinceGrant = 0;
        while (answered < Calls)
        {
            var (header, payload) = await peer.ReadFrameAsync();
            switch (header.Type)
            {
                case FrameType.Headers:
                    if (header.StreamId != lastStreamId + 2) violations.Add($"stream {header.StreamId} after {lastStreamId}");
                    lastStreamId = header.StreamId;
                    streamWindows[header.StreamId] = StreamWindow;
                    bodies[header.StreamId] = [];
                    maxOpen = Math.Max(maxOpen, bodies.Count);
                    break;
                case FrameType.Data:
                    if (header.Length > connectionWindow) violations.Add($"DATA {header.Length} > connection window {connectionWindow}");
                    if (header.Length > streamWindows[header.StreamId]) violations.Add($"DATA {header.Length} > stream window {streamWindows[header.StreamId]}");
                    connectionWindow -= header.Length;
                    streamWindows[header.StreamId] -= header.Length;
                    bodies[header.StreamId].AddRange(payload);
                    consumedSinceGrant += header.Length;
                    // Stream credit at once; connection credit only in 8 KB steps, so it runs dry.
                    var grantConnection = consumedSinceGrant >= 8192 ? consumedSinceGrant : 0;
                    if (grantConnection > 0)
                    {
                        connectionWindow += grantConnection;
                        consumedSinceGrant = 0;
                    }
                    if (header.HasFlag(FrameFlags.EndStream))
                    {
                        var body = bodies[header.StreamId].ToArray();
                        bodies.Remove(header.StreamId);
                        Assert.Equal(0, body[0]);
                        Assert.Equal(body.Length - 5, (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(1)));
                        var request = PutRequest.Parser.ParseFrom(body.AsSpan(5));
                        var i = int.Parse(request.Key.ToStringUtf8()["key-".Length..], System.Globalization.CultureInfo.InvariantCulture);
                        Assert.Equal(Request(i, ValueSize), request);
                        await peer.SendAsync(o =>
                        {
                            if (grantConnection > 0) FrameWriter.WriteWindowUpdate(o, 0, grantConnection);
                        });
                        await peer.SendResponseAsync(header.StreamId, new PutResponse { Header = new ResponseHeader { Revision = 1000 + i } });
                        answered++;
                    }
                    else
                    {
                        streamWindows[header.StreamId] += header.Length;
                        await peer.SendAsync(o =>
                        {
                            FrameWriter.WriteWindowUpdate(o, header.StreamId, header.Length);
                            if (grantConnection > 0) FrameWriter.WriteWindowUpdate(o, 0, grantConnection);
                        });
                    }
                    break;
            }
        }
        var responses = await Task.WhenAll(calls).WaitAsync(ScriptedH2Peer.Bound);
        Assert.Empty(violations);
        Assert.True(maxOpen <= StreamLimit, $"{maxOpen} streams open at once, limit {StreamLimit}");
        Assert.Equal(Enumerable.Range(0, Calls).Select(i => 1000L + i), responses.Select(r => r.Header.Revision));
    }

    [Fact]
    public async Task A_window_granted_by_settings_releases_blocked_data()
    {
        var (peer, client) = await ScriptedH2Peer.ConnectAsync(null, (SettingId.InitialWindowSize, 0));
        await using var _ = peer;
        using var __ = client;
        var call = client.UnaryAsync("/etcdserverpb.KV/Put", Request(1, 500), PutResponse.Parser).AsTask();
        var headers = await peer.ReadFrameOfTypeAsync(FrameType.Headers);
        // Nothing may follow while the stream window is 0.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => peer.ReadFrameOfTypeAsync(FrameType.Data, TimeSpan.FromMilliseconds(300)));
        await peer.SendAsync(o => FrameWriter.WriteSettings(o, [(SettingId.InitialWindowSize, 65535u)]));
        var data = await peer.ReadFrameOfTypeAsync(FrameType.Data);
        Assert.Equal(headers.Header.StreamId, data.Header.StreamId);
        Assert.True(data.Header.HasFlag(FrameFlags.EndStream));
        Assert.Equal(Request(1, 500), PutRequest.Parser.ParseFrom(data.Payload.AsSpan(5)));
        await peer.SendResponseAsync(data.Header.StreamId, new PutResponse());
        await call.WaitAsync(ScriptedH2Peer.Bound);
    }

    [Fact]
    public async Task Consumed_response_data_is_granted_back()
    {
        var options = new H2ConnectionOptions { StreamReceiveWindow = 1000, ConnectionReceiveWindow = 70000 };
        var (peer, client) = await ScriptedH2Peer.ConnectAsync(options);
        await using var _ = peer;
        using var __ = client;
        var settings = await peer.ReadFrameOfTypeAsync(FrameType.Settings);
        Assert.Contains(new byte[] { 0, 4, 0, 0, 0x03, 0xE8 }, Chunks(settings.Payload));
        var connectionGrant = await peer.ReadFrameOfTypeAsync(FrameType.WindowUpdate);
        Assert.Equal((0, 70000 - 65535), (connectionGrant.Header.StreamId, (int)BinaryPrimitives.ReadUInt32BigEndian(connectionGrant.Payload)));

        var call = client.UnaryAsync("/etcdserverpb.KV/Range", new RangeRequest(), RangeResponse.Parser).AsTask();
        var (streamId, _) = await peer.ReadRequestAsync();
        var response = new RangeResponse { Count = 7 };
        response.Kvs.Add(new FastKv.Api.Mvccpb.KeyValue { Value = ByteString.CopyFrom(new byte[5000]) });
        var body = ScriptedH2Peer.Framed(response);
        // Send the body in 900-byte pieces, each only after the client granted room for it.
        var streamWindow = 1000;
        await peer.SendAsync(o => FrameWriter.WriteHeaders(o, streamId, ScriptedH2Peer.LiteralBlock((":status", "200"), ("content-type", "application/grpc")), false, 16384));
        for (var at = 0; at < body.Length; at += 900)
        {
            var n = Math.Min(900, body.Length - at);
            while (streamWindow < n)
            {
                var update = await peer.ReadFrameOfTypeAsync(FrameType.WindowUpdate);
                if (update.Header.StreamId == streamId) streamWindow += (int)BinaryPrimitives.ReadUInt32BigEndian(update.Payload);
            }
            streamWindow -= n;
            await peer.SendAsync(o => FrameWriter.WriteData(o, streamId, body.AsSpan(at, n), endStream: false));
        }
        await peer.SendAsync(o => FrameWriter.WriteHeaders(o, streamId, ScriptedH2Peer.LiteralBlock(("grpc-status", "0")), true, 16384));
        var result = await call.WaitAsync(ScriptedH2Peer.Bound);
        Assert.Equal(7, result.Count);
        Assert.Equal(5000, result.Kvs[0].Value.Length);
    }

    private static IEnumerable<byte[]> Chunks(byte[] settings) => settings.Chunk(6);
}

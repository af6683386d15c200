// How calls fail: a trailers-only error surfaces its status and (percent-decoded) message, a
// stream reset fails only that call, GOAWAY fails the calls it did not process and refuses new
// ones, a dropped socket or an unanswered call ends within its bound, never hanging the caller.
using System.Buffers.Binary;
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using FastKv.Grpc;
using FastKv.LoadGen.Http2;

namespace FastKv.LoadGen.Tests;

public sealed class StreamFailureTests
{
    private const string Put = "/etcdserverpb.KV/Put";

    private static Task<PutResponse> Call(H2Connection client) => client.UnaryAsync(Put, new PutRequest(), PutResponse.Parser).AsTask();

    [Fact]
    public async Task A_trailers_only_response_surfaces_its_status_and_message()
    {
        var (peer, client) = await ScriptedH2Peer.ConnectAsync(null);
        await using var _ = peer;
        using var __ = client;
        var call = Call(client);
        var (streamId, _) = await peer.ReadRequestAsync();
        await peer.SendAsync(o => FrameWriter.WriteHeaders(o, streamId, ScriptedH2Peer.LiteralBlock(
            (":status", "200"), ("content-type", "application/grpc"), ("grpc-status", "9"),
            ("grpc-message", "etcdserver: request is too large %E2%9C%93 100%25")), endStream: true, 16384));
        var e = await Assert.ThrowsAsync<RpcException>(() => call.WaitAsync(ScriptedH2Peer.Bound));
        Assert.Equal(StatusCode.FailedPrecondition, e.Code);
        Assert.Equal("etcdserver: request is too large \u2713 100%", e.Message);
    }

    [Fact]
    public async Task A_reset_stream_fails_that_call_only()
    {
        var (peer, client) = await ScriptedH2Peer.ConnectAsync(null);
        await using var _ = peer;
        using var __ = client;
        var first = Call(client);
        var (firstId, _) = await peer.ReadRequestAsync();
        var second = Call(client);
        var (secondId, _) = await peer.ReadRequestAsync();
        await peer.SendAsync(o => FrameWriter.WriteRstStream(o, firstId, Http2ErrorCode.RefusedStream));
        var e = await Assert.ThrowsAsync<RpcException>(() => first.WaitAsync(ScriptedH2Peer.Bound));
        Assert.Equal(StatusCode.Unavailable, e.Code);
        Assert.Equal("stream terminated by RST_STREAM with error code: REFUSED_STREAM", e.Message);
        await peer.SendResponseAsync(secondId, new PutResponse { Header = new ResponseHeader { Revision = 5 } });
        Assert.Equal(5, (await second.WaitAsync(ScriptedH2Peer.Bound)).Header.Revision);
        Assert.Equal(0, client.OpenStreams);
    }

    [Fact]
    public async Task Goaway_fails_unprocessed_calls_lets_processed_ones_finish_and_refuses_new_ones()
    {
        var (peer, client) = await ScriptedH2Peer.ConnectAsync(null);
        await using var _ = peer;
        using var __ = client;
        var calls = new List<Task<PutResponse>>();
        var ids = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            calls.Add(Call(client));
            ids.Add((await peer.ReadRequestAsync()).StreamId);
        }
        Assert.Equal([1, 3, 5], ids);
        await peer.SendAsync(o =>
        {
            var span = o.GetSpan(FrameHeader.Size + 8 + 4);
            new FrameHeader(12, FrameType.GoAway, 0, 0).Write(span);
            BinaryPrimitives.WriteUInt32BigEndian(span[9..], 1);
            BinaryPrimitives.WriteUInt32BigEndian(span[13..], 0);
            "bye!"u8.CopyTo(span[17..]);
            o.Advance(FrameHeader.Size + 12);
        });
        foreach (var unprocessed in calls.Skip(1))
        {
            var e = await Assert.ThrowsAsync<RpcException>(() => unprocessed.WaitAsync(ScriptedH2Peer.Bound));
            Assert.Equal(StatusCode.Unavailable, e.Code);
            Assert.Contains("GOAWAY (NO_ERROR, last stream 1): bye!", e.Message);
        }
        var refused = await Assert.ThrowsAsync<RpcException>(() => Call(client));
        Assert.Equal(StatusCode.Unavailable, refused.Code);
        await peer.SendResponseAsync(1, new PutResponse { Header = new ResponseHeader { Revision = 9 } });
        Assert.Equal(9, (await calls[0].WaitAsync(ScriptedH2Peer.Bound)).Header.Revision);
    }

    [Fact]
    public async Task A_dropped_connection_fails_every_outstanding_call()
    {
        var (peer, client) = await ScriptedH2Peer.ConnectAsync(null);
        await using var _ = peer;
        using var __ = client;
        var calls = Enumerable.Range(0, 5).Select(_ => Call(client)).ToArray();
        for (var i = 0; i < calls.Length; i++) await peer.ReadRequestAsync();
        peer.Drop();
        foreach (var call in calls)
        {
            var e = await Assert.ThrowsAsync<RpcException>(() => call.WaitAsync(ScriptedH2Peer.Bound));
            Assert.Equal(StatusCode.Unavailable, e.Code);
        }
        Assert.Equal(StatusCode.Unavailable, (await Assert.ThrowsAsync<RpcException>(() => Call(client))).Code);
    }

    [Fact]
    public async Task An_unanswered_call_fails_at_its_deadline_and_resets_its_stream()
    {
        var options = new H2ConnectionOptions { CallTimeout = TimeSpan.FromMilliseconds(300), DeadlineCheckInterval = TimeSpan.FromMilliseconds(50) };
        var (peer, client) = await ScriptedH2Peer.ConnectAsync(options);
        await using var _ = peer;
        using var __ = client;
        var call = Call(client);
        var (streamId, _) = await peer.ReadRequestAsync();
        var e = await Assert.ThrowsAsync<RpcException>(() => call.WaitAsync(ScriptedH2Peer.Bound));
        Assert.Equal(StatusCode.DeadlineExceeded, e.Code);
        var reset = await peer.ReadFrameOfTypeAsync(FrameType.RstStream);
        Assert.Equal(streamId, reset.Header.StreamId);
        Assert.Equal((uint)Http2ErrorCode.Cancel, BinaryPrimitives.ReadUInt32BigEndian(reset.Payload));
    }

    [Fact]
    public async Task Cancelling_a_call_fails_it_and_resets_its_stream()
    {
        var (peer, client) = await ScriptedH2Peer.ConnectAsync(null);
        await using var _ = peer;
        using var __ = client;
        using var cancel = new CancellationTokenSource();
        var call = client.UnaryAsync(Put, new PutRequest(), PutResponse.Parser, cancel.Token).AsTask();
        var (streamId, _) = await peer.ReadRequestAsync();
        await cancel.CancelAsync();
        Assert.Equal(StatusCode.Cancelled, (await Assert.ThrowsAsync<RpcException>(() => call.WaitAsync(ScriptedH2Peer.Bound))).Code);
        Assert.Equal(streamId, (await peer.ReadFrameOfTypeAsync(FrameType.RstStream)).Header.StreamId);
    }

    [Fact]
    public async Task A_ping_is_answered_with_its_payload()
    {
        var (peer, client) = await ScriptedH2Peer.ConnectAsync(null);
        await using var _ = peer;
        using var __ = client;
        await peer.SendAsync(o => FrameWriter.WritePing(o, [9, 8, 7, 6, 5, 4, 3, 2], ack: false));
        var pong = await peer.ReadFrameOfTypeAsync(FrameType.Ping);
        Assert.True(pong.Header.HasFlag(FrameFlags.Ack));
        Assert.Equal([9, 8, 7, 6, 5, 4, 3, 2], pong.Payload);
    }

    [Fact]
    public async Task A_server_that_speaks_http1_is_reported_as_such()
    {
        var peer = ScriptedH2Peer.Listen();
        await using var _ = peer;
        var connecting = H2Connection.ConnectAsync(peer.Address);
        await peer.AcceptRawAsync("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
        var e = await Assert.ThrowsAsync<RpcException>(() => connecting.WaitAsync(ScriptedH2Peer.Bound));
        Assert.Contains("HTTP/1.x", e.Message);
    }

    [Fact]
    public async Task Https_endpoints_are_a_usage_error_for_the_h2_transport()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => H2Connection.ConnectAsync(new Uri("https://127.0.0.1:1")));
        Assert.Throws<ArgumentException>(() => TransportKinds.For(TransportKind.H2, new Uri("https://127.0.0.1:1")));
        Assert.Equal(TransportKind.HttpClient, TransportKinds.For(TransportKind.Auto, new Uri("https://127.0.0.1:1")));
        Assert.Equal(TransportKind.H2, TransportKinds.For(TransportKind.Auto, new Uri("http://127.0.0.1:1")));
    }
}

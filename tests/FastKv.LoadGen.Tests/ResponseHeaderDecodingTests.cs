// Servers compress response headers with HPACK's dynamic table and Huffman coding (Kestrel and Go
// both do), split blocks into CONTINUATION frames and pad frames; the transport follows all of it
// across calls, since one missed block would corrupt every later one.
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using FastKv.Grpc;
using FastKv.LoadGen.Http2;

namespace FastKv.LoadGen.Tests;

public sealed class ResponseHeaderDecodingTests
{
    [Fact]
    public async Task Indexed_huffman_headers_continuations_and_padding_decode_across_calls()
    {
        var (peer, client) = await ScriptedH2Peer.ConnectAsync(null);
        await using var _ = peer;
        using var __ = client;
        var encoder = new TestHpackEncoder();
        for (var i = 0; i < 4; i++)
        {
            var call = client.UnaryAsync("/etcdserverpb.KV/Put", new PutRequest(), PutResponse.Parser).AsTask();
            var (streamId, _) = await peer.ReadRequestAsync();
            var headers = encoder.Encode((":status", "200"), ("content-type", "application/grpc"), ("date", $"Sat, 21 Nov 2026 06:0{i}:00 GMT"));
            var body = ScriptedH2Peer.Framed(new PutResponse { Header = new ResponseHeader { Revision = 40 + i } });
            var status = i == 3 ? "5" : "0";
            var trailers = encoder.Encode(("grpc-status", status), ("grpc-message", i == 3 ? "etcdserver: key not found" : ""));
            await peer.SendAsync(o =>
            {
                // HEADERS in two pieces: HEADERS (padded) + CONTINUATION.
                var half = headers.Length / 2;
                var first = new byte[1 + half + 3];
                first[0] = 3;
                headers.AsSpan(0, half).CopyTo(first.AsSpan(1));
                var span = o.GetSpan(FrameHeader.Size + first.Length);
                new FrameHeader(first.Length, FrameType.Headers, FrameFlags.Padded, streamId).Write(span);
                first.CopyTo(span[FrameHeader.Size..]);
                o.Advance(FrameHeader.Size + first.Length);
                var rest = headers.AsSpan(half);
                span = o.GetSpan(FrameHeader.Size + rest.Length);
                new FrameHeader(rest.Length, FrameType.Continuation, FrameFlags.EndHeaders, streamId).Write(span);
                rest.CopyTo(span[FrameHeader.Size..]);
                o.Advance(FrameHeader.Size + rest.Length);
                // The body split across two DATA frames, the first one padded.
                var padded = new byte[1 + 3 + 2];
                padded[0] = 2;
                body.AsSpan(0, 3).CopyTo(padded.AsSpan(1));
                span = o.GetSpan(FrameHeader.Size + padded.Length);
                new FrameHeader(padded.Length, FrameType.Data, FrameFlags.Padded, streamId).Write(span);
                padded.CopyTo(span[FrameHeader.Size..]);
                o.Advance(FrameHeader.Size + padded.Length);
                FrameWriter.WriteData(o, streamId, body.AsSpan(3), endStream: false);
                FrameWriter.WriteHeaders(o, streamId, trailers, endStream: true, 16384);
            });
            if (i < 3)
            {
                Assert.Equal(40 + i, (await call.WaitAsync(ScriptedH2Peer.Bound)).Header.Revision);
            }
            else
            {
                var e = await Assert.ThrowsAsync<RpcException>(() => call.WaitAsync(ScriptedH2Peer.Bound));
                Assert.Equal((StatusCode.NotFound, "etcdserver: key not found"), (e.Code, e.Message));
            }
        }
    }

    [Fact]
    public async Task A_non_200_status_without_grpc_status_maps_to_a_grpc_code()
    {
        var (peer, client) = await ScriptedH2Peer.ConnectAsync(null);
        await using var _ = peer;
        using var __ = client;
        var call = client.UnaryAsync("/etcdserverpb.KV/Put", new PutRequest(), PutResponse.Parser).AsTask();
        var (streamId, _) = await peer.ReadRequestAsync();
        await peer.SendAsync(o => FrameWriter.WriteHeaders(o, streamId, ScriptedH2Peer.LiteralBlock((":status", "404")), endStream: true, 16384));
        var e = await Assert.ThrowsAsync<RpcException>(() => call.WaitAsync(ScriptedH2Peer.Bound));
        Assert.Equal(StatusCode.Unimplemented, e.Code);
    }

    [Fact]
    public async Task A_body_without_trailers_is_an_error_not_a_success()
    {
        var (peer, client) = await ScriptedH2Peer.ConnectAsync(null);
        await using var _ = peer;
        using var __ = client;
        var call = client.UnaryAsync("/etcdserverpb.KV/Put", new PutRequest(), PutResponse.Parser).AsTask();
        var (streamId, _) = await peer.ReadRequestAsync();
        await peer.SendAsync(o =>
        {
            FrameWriter.WriteHeaders(o, streamId, ScriptedH2Peer.LiteralBlock((":status", "200"), ("content-type", "application/grpc")), false, 16384);
            FrameWriter.WriteData(o, streamId, ScriptedH2Peer.Framed(new PutResponse()), endStream: true);
        });
        var e = await Assert.ThrowsAsync<RpcException>(() => call.WaitAsync(ScriptedH2Peer.Bound));
        Assert.Equal(StatusCode.Internal, e.Code);
        Assert.Contains("without sending trailers", e.Message);
    }
}

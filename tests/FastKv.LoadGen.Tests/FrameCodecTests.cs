// FrameWriter and FrameReader agree on every frame the client sends, however the bytes are split
// across socket reads, and the reader refuses frames beyond the advertised maximum size.
using FastKv.LoadGen.Http2;
using FsCheck;
using FsCheck.Fluent;

namespace FastKv.LoadGen.Tests;

public sealed class FrameCodecTests
{
    private static List<(FrameHeader Header, byte[] Payload)> ReadAll(byte[] bytes, int chunk, int maxFrameSize = FrameHeader.DefaultMaxFrameSize)
    {
        var reader = new FrameReader(maxFrameSize);
        var frames = new List<(FrameHeader, byte[])>();
        for (var at = 0; at < bytes.Length; at += chunk)
        {
            var piece = bytes.AsSpan(at, Math.Min(chunk, bytes.Length - at));
            piece.CopyTo(reader.FreeSpace.Span);
            reader.Commit(piece.Length);
            while (reader.TryRead(out var header, out var payload)) frames.Add((header, payload.ToArray()));
        }
        return frames;
    }

    [Fact]
    public void Data_frames_round_trip_whatever_the_read_boundaries()
    {
        var gen =
            from streamId in Gen.Choose(1, int.MaxValue)
            from length in Gen.Choose(0, 20000)
            from seed in Gen.Choose(0, 1000)
            from endStream in Gen.Elements(true, false)
            from chunk in Gen.Choose(1, 5000)
            select (streamId, length, seed, endStream, chunk);
        Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var payload = new byte[c.length];
            new Random(c.seed).NextBytes(payload);
            var output = new OutputBuffer();
            var maxFrame = FrameHeader.DefaultMaxFrameSize;
            for (var at = 0; at == 0 || at < payload.Length; at += maxFrame)
            {
                var n = Math.Min(maxFrame, payload.Length - at);
                FrameWriter.WriteData(output, c.streamId, payload.AsSpan(at, n), c.endStream && at + n == payload.Length);
            }
            var frames = ReadAll(output.WrittenSpan.ToArray(), c.chunk);
            Assert.All(frames, f => Assert.Equal((FrameType.Data, c.streamId), (f.Header.Type, f.Header.StreamId)));
            Assert.Equal(payload, frames.SelectMany(f => f.Payload).ToArray());
            Assert.Equal(c.endStream, frames[^1].Header.HasFlag(FrameFlags.EndStream));
            Assert.All(frames.SkipLast(1), f => Assert.False(f.Header.HasFlag(FrameFlags.EndStream)));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(100));
    }

    [Fact]
    public void A_header_block_beyond_the_frame_size_continues_in_continuation_frames()
    {
        var block = Enumerable.Range(0, 40000).Select(i => (byte)i).ToArray();
        var output = new OutputBuffer();
        FrameWriter.WriteHeaders(output, 7, block, endStream: true, maxFrameSize: 16384);
        var frames = ReadAll(output.WrittenSpan.ToArray(), 4096);
        Assert.Equal([FrameType.Headers, FrameType.Continuation, FrameType.Continuation], frames.Select(f => f.Header.Type));
        Assert.True(frames[0].Header.HasFlag(FrameFlags.EndStream));
        Assert.Equal([false, false, true], frames.Select(f => f.Header.HasFlag(FrameFlags.EndHeaders)));
        Assert.Equal(block, frames.SelectMany(f => f.Payload).ToArray());
    }

    [Fact]
    public void Control_frames_carry_their_fields()
    {
        var output = new OutputBuffer();
        FrameWriter.WriteSettings(output, [(SettingId.EnablePush, 0u), (SettingId.InitialWindowSize, 123456u)]);
        FrameWriter.WriteSettingsAck(output);
        FrameWriter.WritePing(output, [1, 2, 3, 4, 5, 6, 7, 8], ack: true);
        FrameWriter.WriteWindowUpdate(output, 5, 0x7FFFFFFF);
        FrameWriter.WriteRstStream(output, 9, Http2ErrorCode.Cancel);
        FrameWriter.WriteGoAway(output, 11, Http2ErrorCode.EnhanceYourCalm);
        var f = ReadAll(output.WrittenSpan.ToArray(), 3);
        Assert.Equal([FrameType.Settings, FrameType.Settings, FrameType.Ping, FrameType.WindowUpdate, FrameType.RstStream, FrameType.GoAway],
            f.Select(x => x.Header.Type));
        Assert.Equal([0, 2, 0, 0, 0, 0, 0, 4, 0, 1, 0xE2, 0x40], f[0].Payload);
        Assert.True(f[1].Header.HasFlag(FrameFlags.Ack));
        Assert.Empty(f[1].Payload);
        Assert.True(f[2].Header.HasFlag(FrameFlags.Ack));
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], f[2].Payload);
        Assert.Equal(5, f[3].Header.StreamId);
        Assert.Equal([0x7F, 0xFF, 0xFF, 0xFF], f[3].Payload);
        Assert.Equal(9, f[4].Header.StreamId);
        Assert.Equal([0, 0, 0, 8], f[4].Payload);
        Assert.Equal(new byte[] { 0, 0, 0, 11, 0, 0, 0, 0xB }, f[5].Payload);
    }

    [Fact]
    public void A_frame_longer_than_the_advertised_maximum_is_a_frame_size_error()
    {
        var output = new OutputBuffer();
        FrameWriter.WriteData(output, 1, new byte[16385], endStream: false);
        var e = Assert.Throws<Http2ConnectionException>(() => ReadAll(output.WrittenSpan.ToArray(), 100));
        Assert.Equal(Http2ErrorCode.FrameSizeError, e.Code);
    }
}

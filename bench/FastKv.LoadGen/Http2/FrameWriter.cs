// Encodes the frames a gRPC client sends (RFC 9113 section 6) into an OutputBuffer: the preface,
// SETTINGS (and their ACK), PING ACK, WINDOW_UPDATE, HEADERS (+ CONTINUATION past the peer's frame
// size), DATA, RST_STREAM and GOAWAY.
using System.Buffers.Binary;

namespace FastKv.LoadGen.Http2;

public static class FrameWriter
{
    public static ReadOnlySpan<byte> ClientPreface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    public static void WritePreface(OutputBuffer output) => output.Write(ClientPreface);

    public static void WriteSettings(OutputBuffer output, ReadOnlySpan<(ushort Id, uint Value)> settings)
    {
        var span = output.GetSpan(FrameHeader.Size + 6 * settings.Length);
        new FrameHeader(6 * settings.Length, FrameType.Settings, FrameFlags.None, 0).Write(span);
        var at = FrameHeader.Size;
        foreach (var (id, value) in settings)
        {
            BinaryPrimitives.WriteUInt16BigEndian(span[at..], id);
            BinaryPrimitives.WriteUInt32BigEndian(span[(at + 2)..], value);
            at += 6;
        }
        output.Advance(at);
    }

    public static void WriteSettingsAck(OutputBuffer output)
    {
        new FrameHeader(0, FrameType.Settings, FrameFlags.Ack, 0).Write(output.GetSpan(FrameHeader.Size));
        output.Advance(FrameHeader.Size);
    }

    public static void WritePing(OutputBuffer output, ReadOnlySpan<byte> opaqueData, bool ack)
    {
        var span = output.GetSpan(FrameHeader.Size + 8);
        new FrameHeader(8, FrameType.Ping, ack ? FrameFlags.Ack : FrameFlags.None, 0).Write(span);
        opaqueData[..8].CopyTo(span[FrameHeader.Size..]);
        output.Advance(FrameHeader.Size + 8);
    }

    public static void WriteWindowUpdate(OutputBuffer output, int streamId, int increment)
    {
        var span = output.GetSpan(FrameHeader.Size + 4);
        new FrameHeader(4, FrameType.WindowUpdate, FrameFlags.None, streamId).Write(span);
        BinaryPrimitives.WriteUInt32BigEndian(span[FrameHeader.Size..], (uint)increment & 0x7FFFFFFF);
        output.Advance(FrameHeader.Size + 4);
    }

    public static void WriteRstStream(OutputBuffer output, int streamId, Http2ErrorCode code)
    {
        var span = output.GetSpan(FrameHeader.Size + 4);
        new FrameHeader(4, FrameType.RstStream, FrameFlags.None, streamId).Write(span);
        BinaryPrimitives.WriteUInt32BigEndian(span[FrameHeader.Size..], (uint)code);
        output.Advance(FrameHeader.Size + 4);
    }

    public static void WriteGoAway(OutputBuffer output, int lastStreamId, Http2ErrorCode code)
    {
        var span = output.GetSpan(FrameHeader.Size + 8);
        new FrameHeader(8, FrameType.GoAway, FrameFlags.None, 0).Write(span);
        BinaryPrimitives.WriteUInt32BigEndian(span[FrameHeader.Size..], (uint)lastStreamId & 0x7FFFFFFF);
        BinaryPrimitives.WriteUInt32BigEndian(span[(FrameHeader.Size + 4)..], (uint)code);
        output.Advance(FrameHeader.Size + 8);
    }

    /// <summary>A header block as one HEADERS frame, or HEADERS plus CONTINUATIONs when it exceeds maxFrameSize.</summary>
    public static void WriteHeaders(OutputBuffer output, int streamId, ReadOnlySpan<byte> block, bool endStream, int maxFrameSize)
    {
        var type = FrameType.Headers;
        var streamFlag = endStream ? FrameFlags.EndStream : FrameFlags.None;
        do
        {
            var length = Math.Min(block.Length, maxFrameSize);
            var last = length == block.Length;
            var span = output.GetSpan(FrameHeader.Size + length);
            new FrameHeader(length, type, (byte)(streamFlag | (last ? FrameFlags.EndHeaders : 0)), streamId).Write(span);
            block[..length].CopyTo(span[FrameHeader.Size..]);
            output.Advance(FrameHeader.Size + length);
            block = block[length..];
            type = FrameType.Continuation;
            streamFlag = FrameFlags.None;
        }
        while (!block.IsEmpty);
    }

    /// <summary>One DATA frame; the caller keeps the payload within the peer's frame size and flow-control windows.</summary>
    public static void WriteData(OutputBuffer output, int streamId, ReadOnlySpan<byte> payload, bool endStream)
    {
        var span = output.GetSpan(FrameHeader.Size + payload.Length);
        new FrameHeader(payload.Length, FrameType.Data, endStream ? FrameFlags.EndStream : FrameFlags.None, streamId).Write(span);
        payload.CopyTo(span[FrameHeader.Size..]);
        output.Advance(FrameHeader.Size + payload.Length);
    }
}

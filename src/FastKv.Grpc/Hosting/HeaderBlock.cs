// Gathers one header block (a HEADERS frame plus its CONTINUATION frames) from the start of a
// buffer: the concatenated fragments without padding or priority fields, and where it ends.
using System.Buffers;

namespace FastKv.Grpc.Hosting;

internal enum HeaderBlockScan
{
    Complete,
    NeedMoreData,
    /// <summary>Not a block the rewriter can handle (bad padding, interleaved frame, oversized): Kestrel must judge it.</summary>
    Malformed,
}

internal static class HeaderBlock
{
    /// <summary>
    /// buffer starts at a HEADERS frame. On Complete, fragment holds the block, length is the
    /// octets of all its frames, endStream/streamId come from the HEADERS frame.
    /// </summary>
    public static HeaderBlockScan Collect(in ReadOnlySequence<byte> buffer, ArrayBufferWriter<byte> fragment,
        int maxFrameSize, int maxBlockSize, out long length, out bool endStream, out int streamId)
    {
        fragment.ResetWrittenCount();
        length = 0;
        endStream = false;
        streamId = 0;
        var rest = buffer;
        var first = true;
        while (true)
        {
            if (!Http2FrameHead.TryRead(rest, out var head)) return HeaderBlockScan.NeedMoreData;
            if (head.Length > maxFrameSize) return HeaderBlockScan.Malformed;
            if (first)
            {
                if (head.Type != Http2FrameHead.Headers) return HeaderBlockScan.Malformed;
                endStream = (head.Flags & Http2FrameHead.EndStreamFlag) != 0;
                streamId = head.StreamId;
            }
            else if (head.Type != Http2FrameHead.Continuation || head.StreamId != streamId)
            {
                return HeaderBlockScan.Malformed;
            }
            if (rest.Length < head.FrameLength) return HeaderBlockScan.NeedMoreData;
            var payload = rest.Slice(Http2FrameHead.Size, head.Length);
            if (first && !TryStripHeadersFields(ref payload, head.Flags)) return HeaderBlockScan.Malformed;
            if (fragment.WrittenCount + payload.Length > maxBlockSize) return HeaderBlockScan.Malformed;
            foreach (var segment in payload) fragment.Write(segment.Span);
            length += head.FrameLength;
            rest = rest.Slice(head.FrameLength);
            first = false;
            if ((head.Flags & Http2FrameHead.EndHeadersFlag) != 0) return HeaderBlockScan.Complete;
        }
    }

    /// <summary>Drops the HEADERS frame's pad length, priority fields and padding (RFC 9113 section 6.2).</summary>
    private static bool TryStripHeadersFields(ref ReadOnlySequence<byte> payload, byte flags)
    {
        var padding = 0;
        if ((flags & Http2FrameHead.PaddedFlag) != 0)
        {
            if (payload.Length < 1) return false;
            padding = payload.FirstSpan[0];
            payload = payload.Slice(1);
        }
        if ((flags & Http2FrameHead.PriorityFlag) != 0)
        {
            if (payload.Length < 5) return false;
            payload = payload.Slice(5);
        }
        if (padding > payload.Length) return false;
        payload = payload.Slice(0, payload.Length - padding);
        return true;
    }
}

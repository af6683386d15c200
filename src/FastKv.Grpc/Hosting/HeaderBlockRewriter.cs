// The rewriting half of the authority fix: copies a client's HTTP/2 byte stream, decoding every
// header block with the client's HPACK state and re-encoding it as stateless literals with a
// valid :authority. Anything it cannot make sense of is copied unchanged from then on, so Kestrel
// reports the client's error itself.
using System.Buffers;

namespace FastKv.Grpc.Hosting;

internal sealed class HeaderBlockRewriter(AuthorityRewriteLimits limits, int prefaceRemaining)
{
    private static ReadOnlySpan<byte> AuthorityName => ":authority"u8;

    private readonly HpackDecoder _decoder = new(limits.HeaderTableSize);
    private readonly ArrayBufferWriter<byte> _fragment = new();
    private readonly ArrayBufferWriter<byte> _encoded = new();
    private readonly List<HpackHeaderField> _fields = [];
    private int _prefaceRemaining = prefaceRemaining;
    private bool _copyOnly;

    /// <summary>Writes the rewritten form of every whole frame (and preface bytes) in buffer; returns how far it got.</summary>
    public SequencePosition Rewrite(in ReadOnlySequence<byte> buffer, IBufferWriter<byte> output)
    {
        var rest = buffer;
        if (_prefaceRemaining > 0)
        {
            var take = (int)Math.Min(_prefaceRemaining, rest.Length);
            Copy(rest.Slice(0, take), output);
            _prefaceRemaining -= take;
            rest = rest.Slice(take);
        }
        while (!_copyOnly && Http2FrameHead.TryRead(rest, out var head))
        {
            if (head.Length > limits.MaxFrameSize)
            {
                _copyOnly = true;
                break;
            }
            if (head.Type == Http2FrameHead.Headers)
            {
                var scan = HeaderBlock.Collect(rest, _fragment, limits.MaxFrameSize, limits.MaxBlockSize,
                    out var length, out var endStream, out var streamId);
                if (scan == HeaderBlockScan.NeedMoreData) return rest.Start;
                if (scan == HeaderBlockScan.Malformed || !TryReencode(endStream, streamId, output))
                {
                    _copyOnly = true;
                    break;
                }
                rest = rest.Slice(length);
                continue;
            }
            if (rest.Length < head.FrameLength) return rest.Start;
            Copy(rest.Slice(0, head.FrameLength), output);
            rest = rest.Slice(head.FrameLength);
        }
        if (!_copyOnly) return rest.Start;
        Copy(rest, output);
        return rest.End;
    }

    private bool TryReencode(bool endStream, int streamId, IBufferWriter<byte> output)
    {
        _fields.Clear();
        if (!_decoder.TryDecode(_fragment.WrittenSpan, _fields, limits.MaxBlockSize)) return false;
        _encoded.ResetWrittenCount();
        foreach (var field in _fields)
        {
            if (field.Name.AsSpan().SequenceEqual(AuthorityName) && !AuthorityForm.IsValid(field.Value))
            {
                HpackLiteralEncoder.Write(_encoded, field.Name, AuthorityForm.Normalize(field.Value));
            }
            else
            {
                HpackLiteralEncoder.Write(_encoded, field);
            }
        }
        WriteFrames(_encoded.WrittenSpan, endStream, streamId, output);
        return true;
    }

    private void WriteFrames(ReadOnlySpan<byte> block, bool endStream, int streamId, IBufferWriter<byte> output)
    {
        var type = Http2FrameHead.Headers;
        do
        {
            var length = Math.Min(block.Length, limits.MaxFrameSize);
            var last = length == block.Length;
            var flags = (byte)((type == Http2FrameHead.Headers && endStream ? Http2FrameHead.EndStreamFlag : 0)
                | (last ? Http2FrameHead.EndHeadersFlag : 0));
            var span = output.GetSpan(Http2FrameHead.Size + length);
            new Http2FrameHead(length, type, flags, streamId).Write(span);
            block[..length].CopyTo(span[Http2FrameHead.Size..]);
            output.Advance(Http2FrameHead.Size + length);
            block = block[length..];
            type = Http2FrameHead.Continuation;
        }
        while (!block.IsEmpty);
    }

    private static void Copy(in ReadOnlySequence<byte> bytes, IBufferWriter<byte> output)
    {
        foreach (var segment in bytes) output.Write(segment.Span);
    }
}

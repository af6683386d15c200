// The HTTP/2 input Kestrel reads through. Until the client's first header block is complete it
// shows Kestrel only the bytes before that block (so the settings exchange goes on), then decides:
// a valid :authority (every ordinary client) turns it into a plain pass-through of the transport;
// an authority Kestrel would refuse (grpc-go dialing "passthrough:///http://host:port") turns the
// rest of the connection over to a pump that rewrites every header block into a pipe of its own.
using System.Buffers;
using System.IO.Pipelines;

namespace FastKv.Grpc.Hosting;

internal sealed class AuthorityRewritingReader(PipeReader inner, AuthorityRewriteLimits limits) : PipeReader
{
    private const int PrefaceLength = 24;
    private static ReadOnlySpan<byte> Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    private enum Mode { Sniffing, CatchingUp, PassThrough, Rewriting }

    private enum Verdict { Undecided, PassThrough, Rewrite }

    private Mode _mode;
    // Sniffing and catching up: stream offsets of what the caller consumed and of how far the
    // inner reader was told the data was examined (which must never move back).
    private long _consumed;
    private long _examinedFloor;
    private ReadOnlySequence<byte> _handed;
    private ReadOnlySequence<byte> _innerBuffer;
    private Pipe? _rewritten;
    private volatile bool _callerCompleted;

    internal bool IsPassThrough => _mode is Mode.PassThrough or Mode.CatchingUp;

    internal bool IsRewriting => _mode == Mode.Rewriting;

    internal Task Pump { get; private set; } = Task.CompletedTask;

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) => _mode switch
    {
        Mode.PassThrough => inner.ReadAsync(cancellationToken),
        Mode.Rewriting => _rewritten!.Reader.ReadAsync(cancellationToken),
        _ => ReadSlowAsync(cancellationToken),
    };

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        switch (_mode)
        {
            case Mode.PassThrough:
                inner.AdvanceTo(consumed, examined);
                return;
            case Mode.Rewriting:
                _rewritten!.Reader.AdvanceTo(consumed, examined);
                return;
            case Mode.CatchingUp:
            {
                var consumedLength = _handed.Slice(_handed.Start, consumed).Length;
                var examinedLength = _handed.Slice(_handed.Start, examined).Length;
                if (_consumed + examinedLength < _examinedFloor) examined = _handed.GetPosition(_examinedFloor - _consumed);
                else _mode = Mode.PassThrough;
                _consumed += consumedLength;
                inner.AdvanceTo(consumed, examined);
                return;
            }
            default:
            {
                // The caller saw a prefix; having examined all of it means the remainder (an
                // unfinished frame or header block) was examined too.
                var consumedLength = _handed.Slice(_handed.Start, consumed).Length;
                var examinedLength = _handed.Slice(_handed.Start, examined).Length;
                if (examinedLength == _handed.Length)
                {
                    examined = _innerBuffer.End;
                    _examinedFloor = Math.Max(_examinedFloor, _consumed + _innerBuffer.Length);
                }
                _consumed += consumedLength;
                inner.AdvanceTo(consumed, examined);
                return;
            }
        }
    }

    public override bool TryRead(out ReadResult result)
    {
        switch (_mode)
        {
            case Mode.PassThrough:
                return inner.TryRead(out result);
            case Mode.Rewriting:
                return _rewritten!.Reader.TryRead(out result);
            case Mode.CatchingUp:
                if (!inner.TryRead(out result)) return false;
                _handed = result.Buffer;
                return true;
            default:
                result = default;
                return false;
        }
    }

    public override void CancelPendingRead()
    {
        if (_mode == Mode.Rewriting) _rewritten!.Reader.CancelPendingRead();
        else inner.CancelPendingRead();
    }

    public override void Complete(Exception? exception = null)
    {
        if (_mode == Mode.Rewriting)
        {
            _callerCompleted = true;
            _rewritten!.Reader.Complete(exception);
            inner.CancelPendingRead(); // wakes the pump if it waits for the client
            _ = CompleteAfterPumpAsync(exception);
            return;
        }
        inner.Complete(exception);
    }

    private async ValueTask<ReadResult> ReadSlowAsync(CancellationToken cancellationToken)
    {
        if (_mode == Mode.CatchingUp)
        {
            var result = await inner.ReadAsync(cancellationToken).ConfigureAwait(false);
            _handed = result.Buffer;
            return result;
        }
        while (true)
        {
            var result = await inner.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var verdict = Sniff(buffer, out var safeLength);
            if (verdict == Verdict.Undecided && result.IsCompleted) verdict = Verdict.PassThrough;
            switch (verdict)
            {
                case Verdict.PassThrough:
                    _mode = _examinedFloor > _consumed ? Mode.CatchingUp : Mode.PassThrough;
                    _handed = buffer;
                    return result;
                case Verdict.Rewrite:
                    _rewritten = new Pipe(new PipeOptions(useSynchronizationContext: false));
                    _mode = Mode.Rewriting;
                    Pump = PumpAsync(result, (int)Math.Max(0, PrefaceLength - _consumed));
                    return await _rewritten.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            if (safeLength > 0 || result.IsCanceled)
            {
                _innerBuffer = buffer;
                _handed = buffer.Slice(0, safeLength);
                return new ReadResult(_handed, result.IsCanceled, isCompleted: false);
            }
            _examinedFloor = _consumed + buffer.Length;
            inner.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>
    /// Looks for the first header block in what the caller has not consumed yet. Undecided leaves
    /// safeLength: the octets before anything unfinished, which the caller may see unchanged.
    /// </summary>
    private Verdict Sniff(in ReadOnlySequence<byte> buffer, out long safeLength)
    {
        safeLength = 0;
        var rest = buffer;
        if (_consumed < PrefaceLength)
        {
            var expected = Preface[(int)_consumed..];
            var available = (int)Math.Min(expected.Length, rest.Length);
            Span<byte> head = stackalloc byte[PrefaceLength];
            rest.Slice(0, available).CopyTo(head);
            if (!head[..available].SequenceEqual(expected[..available])) return Verdict.PassThrough;
            if (available < expected.Length)
            {
                safeLength = available;
                return Verdict.Undecided;
            }
            rest = rest.Slice(available);
        }
        while (true)
        {
            safeLength = buffer.Length - rest.Length;
            if (!Http2FrameHead.TryRead(rest, out var frame)) return Verdict.Undecided;
            if (frame.Length > limits.MaxFrameSize) return Verdict.PassThrough;
            if (frame.Type == Http2FrameHead.Headers) return JudgeFirstBlock(rest);
            if (rest.Length < frame.FrameLength) return Verdict.Undecided;
            rest = rest.Slice(frame.FrameLength);
        }
    }

    private Verdict JudgeFirstBlock(in ReadOnlySequence<byte> buffer)
    {
        var fragment = new ArrayBufferWriter<byte>();
        var scan = HeaderBlock.Collect(buffer, fragment, limits.MaxFrameSize, limits.MaxBlockSize, out _, out _, out _);
        if (scan == HeaderBlockScan.NeedMoreData) return Verdict.Undecided;
        if (scan == HeaderBlockScan.Malformed) return Verdict.PassThrough;
        var fields = new List<HpackHeaderField>();
        // A throwaway decoder: if rewriting, the pump decodes this block again from the start.
        if (!new HpackDecoder(limits.HeaderTableSize).TryDecode(fragment.WrittenSpan, fields, limits.MaxBlockSize)) return Verdict.PassThrough;
        foreach (var field in fields)
        {
            if (field.Name.AsSpan().SequenceEqual(":authority"u8)) return AuthorityForm.IsValid(field.Value) ? Verdict.PassThrough : Verdict.Rewrite;
        }
        return Verdict.PassThrough;
    }

    private async Task PumpAsync(ReadResult first, int prefaceRemaining)
    {
        var writer = _rewritten!.Writer;
        var rewriter = new HeaderBlockRewriter(limits, prefaceRemaining);
        var result = first;
        Exception? failure = null;
        try
        {
            while (true)
            {
                var buffer = result.Buffer;
                var consumed = rewriter.Rewrite(buffer, writer);
                if (result.IsCompleted)
                {
                    // A truncated last frame still goes to Kestrel, which reports it.
                    foreach (var segment in buffer.Slice(consumed)) writer.Write(segment.Span);
                    consumed = buffer.End;
                }
                inner.AdvanceTo(consumed, buffer.End);
                var flush = await writer.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted || result.IsCompleted || _callerCompleted) break;
                result = await inner.ReadAsync().ConfigureAwait(false);
                if (_callerCompleted) break;
            }
        }
        catch (Exception e)
        {
            failure = e;
        }
        await writer.CompleteAsync(failure).ConfigureAwait(false);
    }

    private async Task CompleteAfterPumpAsync(Exception? exception)
    {
        await Pump.ConfigureAwait(false); // never faults: the pump hands its failure to Kestrel
        await inner.CompleteAsync(exception).ConfigureAwait(false);
    }
}

// Reads request messages from an HTTP body holding a stream of JSON values, as Go's json.Decoder
// does for etcd's gateway: values may follow each other with or without whitespace, each is read
// as soon as it is complete (a watch client keeps its body open and sends more later), and what
// follows the last value needed is never looked at.
using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace FastKv.Server.Gateway;

internal readonly record struct JsonBodyMessage(IMessage? Message, string? Error)
{
    public bool IsEnd => Message is null && Error is null;
}

internal sealed class JsonBodyReader(PipeReader body, MessageDescriptor descriptor, long maxValueBytes)
{
    /// <summary>
    /// The next message; IsEnd when the body ended cleanly between values, Error (Go's text)
    /// when the next value is not valid JSON or does not fit the message type.
    /// </summary>
    public async ValueTask<JsonBodyMessage> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await body.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var (outcome, consumed, message) = TryTake(buffer, result.IsCompleted);
            switch (outcome)
            {
                case JsonScan.Complete:
                    body.AdvanceTo(buffer.GetPosition(consumed));
                    return message;
                case JsonScan.Invalid:
                    body.AdvanceTo(buffer.End);
                    return message;
            }
            if (result.IsCompleted)
            {
                var rest = buffer.Length;
                body.AdvanceTo(buffer.End);
                // Whitespace alone before the end is a clean end of the stream.
                return consumed >= rest ? default : new JsonBodyMessage(null, "unexpected EOF");
            }
            if (buffer.Length > maxValueBytes)
            {
                body.AdvanceTo(buffer.End);
                return new JsonBodyMessage(null, $"request body value larger than max ({buffer.Length} vs. {maxValueBytes})");
            }
            if (result.IsCanceled) throw new OperationCanceledException(cancellationToken);
            body.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    // Outcome, bytes consumed (for NeedMore: the leading whitespace), and the message or error.
    private (JsonScan, long, JsonBodyMessage) TryTake(in ReadOnlySequence<byte> buffer, bool final)
    {
        if (buffer.IsEmpty) return (JsonScan.NeedMore, 0, default);
        byte[]? rented = null;
        ReadOnlyMemory<byte> memory;
        if (buffer.IsSingleSegment)
        {
            memory = buffer.First;
        }
        else
        {
            rented = ArrayPool<byte>.Shared.Rent((int)buffer.Length);
            buffer.CopyTo(rented);
            memory = rented.AsMemory(0, (int)buffer.Length);
        }
        try
        {
            var text = memory.Span;
            var start = GoJsonSyntax.SkipSpace(text, 0);
            if (start == text.Length) return (JsonScan.NeedMore, start, default);
            var scan = GoJsonSyntax.ScanValue(text, start, final, out var end, out var error);
            if (scan == JsonScan.Invalid) return (scan, 0, new JsonBodyMessage(null, error));
            if (scan == JsonScan.NeedMore) return (scan, start, default);
            return (scan, end, Convert(memory[start..end]));
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private JsonBodyMessage Convert(ReadOnlyMemory<byte> value)
    {
        // The syntax is Go's and already checked; System.Text.Json only builds the tree. The
        // document reads value in place: it is disposed before the buffer is released.
        try
        {
            using var document = JsonDocument.Parse(value, new JsonDocumentOptions { MaxDepth = 10001 });
            return new JsonBodyMessage(ProtoJsonReader.Read(document.RootElement, descriptor), null);
        }
        catch (ProtoJsonException e)
        {
            return new JsonBodyMessage(null, e.Message);
        }
        catch (JsonException e)
        {
            // What Go tolerates and System.Text.Json does not (invalid UTF-8 inside a string).
            return new JsonBodyMessage(null, e.Message);
        }
    }
}

// The body of a client- or bidi-streaming call: HttpClient hands over its request stream, writers
// push framed messages into it as the caller produces them, and completing it ends the stream.
using System.Net;
using FastKv.Grpc.Framing;

namespace FastKv.Grpc.Client;

internal sealed class StreamingRequestContent : HttpContent
{
    private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StreamingRequestContent() => Headers.TryAddWithoutValidation("Content-Type", GrpcHeaders.ContentType);

    public Task<Stream> Stream => _stream.Task;

    public void Complete() => _completed.TrySetResult();

    public void Fail(Exception error)
    {
        _stream.TrySetException(error);
        _completed.TrySetResult();
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        _stream.TrySetResult(stream);
        await _completed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}

// A stream of incoming messages on one call (the server's request stream, the client's response
// stream). Not thread-safe: one reader at a time, as the protocol's ordering requires. Messages come
// either framed from an HTTP/2 pipe or, for an in-process call, already parsed from a sequence.
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using FastKv.Grpc.Framing;
using FastKv.Grpc.Server;
using Google.Protobuf;

namespace FastKv.Grpc;

public sealed class MessageReader<T> where T : class, IMessage<T>
{
    private readonly PipeReader? _reader;
    private readonly IAsyncEnumerator<T>? _local;
    private readonly MessageParser<T>? _parser;
    private readonly int _maxMessageSize;
    private readonly bool _gzip;
    private readonly CancellationToken _cancellationToken;
    private T? _current;
    private readonly IGrpcCallObserver? _observer;
    private readonly GrpcMethodInfo? _method;
    private volatile bool _sealed;

    internal MessageReader(PipeReader reader, MessageParser<T> parser, int maxMessageSize, bool gzip, CancellationToken cancellationToken,
        IGrpcCallObserver? observer = null, GrpcMethodInfo? method = null)
    {
        _observer = observer;
        _method = method;
        _reader = reader;
        _parser = parser;
        _maxMessageSize = maxMessageSize;
        _gzip = gzip;
        _cancellationToken = cancellationToken;
    }

    internal MessageReader(IAsyncEnumerator<T> local, CancellationToken cancellationToken)
    {
        _local = local;
        _cancellationToken = cancellationToken;
    }

    /// <summary>The message the last successful MoveNextAsync read.</summary>
    public T Current => _current ?? throw new InvalidOperationException("MoveNextAsync has not returned true.");

    /// <summary>False when the peer closed its side of the stream; throws RpcException on a framing error.</summary>
    public async ValueTask<bool> MoveNextAsync()
    {
        // The request pipe belongs to a pooled HTTP/2 stream once the handler has returned.
        if (_sealed) throw new InvalidOperationException("The call this stream belonged to has ended.");
        if (_local is not null)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            _current = await _local.MoveNextAsync().ConfigureAwait(false) ? _local.Current : null;
            return _current is not null;
        }
        _current = await MessageFraming.ReadAsync(_reader!, _parser!, _maxMessageSize, _gzip, _cancellationToken).ConfigureAwait(false);
        if (_current is not null && _observer is not null) _observer.OnStreamMessageReceived(_method!);
        return _current is not null;
    }

    internal void Seal() => _sealed = true;

    public async IAsyncEnumerable<T> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await MoveNextAsync().ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Current;
        }
    }
}

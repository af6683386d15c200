// The caller's side of a streaming response: MoveNextAsync/Current, or ReadAllAsync. The end of the
// stream with a non-OK status throws RpcException.
using System.Runtime.CompilerServices;
using Google.Protobuf;

namespace FastKv.Grpc.Client;

public sealed class ClientResponseStream<T> where T : class, IMessage<T>
{
    private readonly ClientCallCore _call;
    private readonly MessageParser<T> _parser;
    private T? _current;

    internal ClientResponseStream(ClientCallCore call, MessageParser<T> parser)
    {
        _call = call;
        _parser = parser;
    }

    public T Current => _current ?? throw new InvalidOperationException("MoveNextAsync has not returned true.");

    public async ValueTask<bool> MoveNextAsync()
    {
        _current = await _call.ReadAsync(_parser).ConfigureAwait(false);
        return _current is not null;
    }

    public async IAsyncEnumerable<T> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await MoveNextAsync().ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Current;
        }
    }
}

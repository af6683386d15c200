// A bidirectional streaming call as the benchmarks use it (etcd's Watch): write requests, read
// responses until the server ends the stream; disposing cancels it. A failure surfaces as RpcException.
using Google.Protobuf;

namespace FastKv.LoadGen;

public interface IDuplexCall<in TRequest, out TResponse> : IDisposable
    where TRequest : IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    ValueTask WriteAsync(TRequest request);

    /// <summary>Waits for the next response; false when the server ended the stream with status OK.</summary>
    ValueTask<bool> MoveNextAsync();

    TResponse Current { get; }
}

// One unary call on an H2Connection, pooled per connection: the serialized request (gRPC's 5-byte
// prefix + message), the response body as it arrives, and the outcome. The caller awaits it as a
// ValueTask backed by ManualResetValueTaskSourceCore, so completing a call allocates nothing; the
// continuation runs inline on the connection's reader, which then flushes what it wrote in one send.
using System.Buffers.Binary;
using System.Threading.Tasks.Sources;
using FastKv.Api;
using FastKv.Grpc;
using Google.Protobuf;

namespace FastKv.LoadGen.Http2;

public sealed class UnaryCall : H2Stream, IValueTaskSource
{
    private ManualResetValueTaskSourceCore<bool> _core;
    private byte[] _request = new byte[256];
    private int _requestLength;
    private byte[] _response = new byte[256];
    private int _responseLength;
    private readonly int _maxResponseSize;

    public UnaryCall(int maxResponseSize)
    {
        _maxResponseSize = maxResponseSize;
        _core.RunContinuationsAsynchronously = false;
    }

    public RpcException? Error { get; private set; }

    internal CancellationTokenRegistration Cancellation;

    internal byte[] RequestBuffer => _request;

    internal int RequestLength => _requestLength;

    /// <summary>Serializes the request behind gRPC's length prefix (uncompressed).</summary>
    public void SetRequest<TRequest>(TRequest request) where TRequest : IMessage<TRequest>
    {
        var size = request.CalculateSize();
        if (_request.Length < 5 + size) _request = new byte[Math.Max(5 + size, _request.Length * 2)];
        _request[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(_request.AsSpan(1), (uint)size);
        request.WriteTo(_request.AsSpan(5, size));
        _requestLength = 5 + size;
    }

    /// <summary>The one response message (without its prefix); valid after a successful wait.</summary>
    public ReadOnlySpan<byte> ResponseMessage => _response.AsSpan(5, _responseLength - 5);

    public ValueTask AsValueTask() => new(this, _core.Version);

    /// <summary>Makes the call ready for reuse.</summary>
    public void Reset()
    {
        ResetStreamState();
        _core.Reset();
        _responseLength = 0;
        Error = null;
        Cancellation = default;
    }

    internal override string? AcceptData(ReadOnlySpan<byte> data)
    {
        if (_responseLength + data.Length > _maxResponseSize + 5)
            return $"grpc: received message larger than max ({_responseLength + data.Length - 5} vs. {_maxResponseSize})";
        if (_response.Length < _responseLength + data.Length)
            Array.Resize(ref _response, Math.Max(_responseLength + data.Length, _response.Length * 2));
        data.CopyTo(_response.AsSpan(_responseLength));
        _responseLength += data.Length;
        return null;
    }

    internal override void OnFinished(RpcException? error) => Error = error ?? CheckSingleMessage();

    private RpcException? CheckSingleMessage()
    {
        if (_responseLength < 5)
            return new RpcException(StatusCode.Internal, "grpc: the server sent no response message for a unary call");
        if (_response[0] != 0)
            return new RpcException(StatusCode.Internal, "grpc: the server sent a compressed message, which this client did not ask for");
        var declared = BinaryPrimitives.ReadUInt32BigEndian(_response.AsSpan(1));
        if (declared > (uint)(_responseLength - 5))
            return new RpcException(StatusCode.Internal, $"grpc: the response message is truncated ({_responseLength - 5} of {declared} bytes)");
        if (declared < (uint)(_responseLength - 5))
            return new RpcException(StatusCode.Internal, "grpc: the server sent more than one response message for a unary call");
        return null;
    }

    internal override void Signal() => _core.SetResult(true);

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}

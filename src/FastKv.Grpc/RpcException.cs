// A gRPC status other than OK, as either side sees it: the code from `grpc-status` and the text
// from `grpc-message`. Handlers may throw it (as they may throw EtcdException); the client throws it.
using FastKv.Api;

namespace FastKv.Grpc;

public sealed class RpcException : Exception
{
    public RpcException(StatusCode code, string message) : base(message) => Code = code;

    public StatusCode Code { get; }

    public override string ToString() => $"rpc error: code = {Code} desc = {Message}";
}

// Hook for per-call instrumentation (etcd's grpc_server_* metrics). Called on the request's
// thread; implementations must be fast and thread-safe, and must not throw.
using FastKv.Api;

namespace FastKv.Grpc.Server;

public interface IGrpcCallObserver
{
    void OnCallStarted(GrpcMethodInfo method);

    /// <summary>code is Cancelled when the client went away before a status could be sent.</summary>
    void OnCallCompleted(GrpcMethodInfo method, StatusCode code, TimeSpan elapsed);

    /// <summary>A request message of a streaming call was read (unary calls carry exactly one).</summary>
    void OnStreamMessageReceived(GrpcMethodInfo method) { }

    /// <summary>A response message of a streaming call was sent.</summary>
    void OnStreamMessageSent(GrpcMethodInfo method) { }
}

// Identity of a registered method, created once at registration so per-call observers (metrics)
// get stable labels without allocating. GrpcType uses the go-grpc-prometheus label values.
namespace FastKv.Grpc.Server;

public enum MethodKind
{
    Unary,
    ServerStreaming,
    ClientStreaming,
    DuplexStreaming,
}

public sealed class GrpcMethodInfo(string service, string name, string path, MethodKind kind)
{
    public string Service { get; } = service;
    public string Name { get; } = name;
    public string Path { get; } = path;
    public MethodKind Kind { get; } = kind;

    /// <summary>"unary", "server_stream", "client_stream" or "bidi_stream".</summary>
    public string GrpcType { get; } = kind switch
    {
        MethodKind.Unary => "unary",
        MethodKind.ServerStreaming => "server_stream",
        MethodKind.ClientStreaming => "client_stream",
        _ => "bidi_stream",
    };

    public override string ToString() => Path;
}

// Connection-level settings of a GrpcClient.
namespace FastKv.Grpc.Client;

public sealed class GrpcClientOptions
{
    /// <summary>Largest response message accepted (clientv3 effectively lifts the limit too).</summary>
    public int MaxReceiveMessageSize { get; set; } = int.MaxValue;

    /// <summary>Open more HTTP/2 connections when one reaches the server's stream limit.</summary>
    public bool EnableMultipleHttp2Connections { get; set; } = true;

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

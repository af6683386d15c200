// Lets a plain-HTTP handler's long responses (the JSON gateway's watch streams) end when the host
// stops, as gRPC streams do, instead of holding shutdown until Kestrel's grace period runs out.
namespace FastKv.Grpc.Hosting;

public sealed class HostStoppingFeature(CancellationToken stopping)
{
    /// <summary>Cancelled when the host begins to stop.</summary>
    public CancellationToken Stopping { get; } = stopping;
}

// gRPC status codes as grpc-go names them in the grpc_code label ("Canceled" with one l).
using FastKv.Api;

namespace FastKv.Server.Metrics;

public static class GrpcCodeNames
{
    public const int Count = 17;

    private static readonly string[] Names =
    [
        "OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded", "NotFound", "AlreadyExists",
        "PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted", "OutOfRange",
        "Unimplemented", "Internal", "Unavailable", "DataLoss", "Unauthenticated",
    ];

    public static string Of(StatusCode code) => (uint)code < Count ? Names[(int)code] : "Unknown";

    /// <summary>Slot of a code in per-code arrays; codes outside the known range count as Unknown, as grpc-go maps them.</summary>
    public static int Slot(StatusCode code) => (uint)code < Count ? (int)code : (int)StatusCode.Unknown;
}

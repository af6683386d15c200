// Header names and fixed values of the gRPC-over-HTTP/2 protocol, kept as constants so the hot
// path compares and emits them without building strings.
using FastKv.Api;

namespace FastKv.Grpc.Framing;

internal static class GrpcHeaders
{
    public const string ContentType = "application/grpc";
    public const string Status = "grpc-status";
    public const string Message = "grpc-message";
    public const string Timeout = "grpc-timeout";
    public const string Encoding = "grpc-encoding";
    public const string AcceptEncoding = "grpc-accept-encoding";
    public const string SupportedEncodings = "identity,gzip";
    public const string Gzip = "gzip";
    public const string Identity = "identity";

    public static bool IsGrpcContentType(string? contentType) =>
        contentType is not null
        && contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase)
        && (contentType.Length == ContentType.Length || contentType[ContentType.Length] is '+' or ';');

    // grpc-status values as strings, indexed by code, so trailers never format an int.
    private static readonly string[] StatusText = Enumerable.Range(0, 17).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    public static string StatusValue(StatusCode code) =>
        (uint)code < (uint)StatusText.Length ? StatusText[(int)code] : ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);
}

// What a gRPC client needs from a decoded response header block (headers, trailers or a
// trailers-only response): the HTTP status, whether the content type is gRPC, and grpc-status /
// grpc-message. Field names are compared as bytes; only a non-empty message becomes a string.
using System.Text;
using FastKv.Grpc.Framing;
using FastKv.Grpc.Hosting;

namespace FastKv.LoadGen.Http2;

public readonly record struct ResponseMetadata(int HttpStatus, bool IsGrpc, int GrpcStatus, string? GrpcMessage)
{
    public const int NoStatus = -1;

    public bool HasGrpcStatus => GrpcStatus != NoStatus;

    internal static ResponseMetadata Read(List<HpackHeaderField> fields)
    {
        var httpStatus = 0;
        var isGrpc = false;
        var grpcStatus = NoStatus;
        string? grpcMessage = null;
        foreach (var field in fields)
        {
            var name = field.Name.AsSpan();
            if (name.SequenceEqual(":status"u8)) httpStatus = ParseNumber(field.Value);
            else if (name.SequenceEqual("content-type"u8)) isGrpc = IsGrpcContentType(field.Value);
            else if (name.SequenceEqual("grpc-status"u8)) grpcStatus = ParseNumber(field.Value);
            else if (name.SequenceEqual("grpc-message"u8) && field.Value.Length > 0)
                grpcMessage = StatusMessageEncoding.Decode(Encoding.UTF8.GetString(field.Value));
        }
        return new ResponseMetadata(httpStatus, isGrpc, grpcStatus, grpcMessage);
    }

    private static bool IsGrpcContentType(ReadOnlySpan<byte> value)
    {
        var grpc = "application/grpc"u8;
        return value.StartsWith(grpc) && (value.Length == grpc.Length || value[grpc.Length] is (byte)'+' or (byte)';');
    }

    /// <summary>A decimal number, or -2 when the value is not one (a malformed status is an error, never "absent").</summary>
    private static int ParseNumber(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty || value.Length > 9) return -2;
        var n = 0;
        foreach (var b in value)
        {
            if (b is < (byte)'0' or > (byte)'9') return -2;
            n = n * 10 + (b - '0');
        }
        return n;
    }
}

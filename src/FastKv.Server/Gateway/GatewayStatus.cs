// How grpc-gateway (v1, as in etcd 3.4) turns a gRPC status into HTTP: the status code mapping and
// the texts of its JSON error bodies, for a whole response and for a chunk of a stream.
using System.Buffers;
using FastKv.Api;
using Microsoft.AspNetCore.WebUtilities;

namespace FastKv.Server.Gateway;

internal static class GatewayStatus
{
    public static int HttpStatus(StatusCode code) => code switch
    {
        StatusCode.OK => 200,
        StatusCode.Cancelled => 408,
        StatusCode.Unknown => 500,
        StatusCode.InvalidArgument => 400,
        StatusCode.DeadlineExceeded => 504,
        StatusCode.NotFound => 404,
        StatusCode.AlreadyExists => 409,
        StatusCode.PermissionDenied => 403,
        StatusCode.Unauthenticated => 401,
        StatusCode.ResourceExhausted => 429,
        StatusCode.FailedPrecondition => 412,
        StatusCode.Aborted => 409,
        StatusCode.OutOfRange => 400,
        StatusCode.Unimplemented => 501,
        StatusCode.Internal => 500,
        StatusCode.Unavailable => 503,
        StatusCode.DataLoss => 500,
        _ => 500,
    };

    /// <summary>{"error":msg,"message":msg,"code":N}: the body of a failed unary call.</summary>
    public static void WriteErrorBody(IBufferWriter<byte> output, StatusCode code, string message)
    {
        output.Write("{\"error\":"u8);
        ProtoJsonWriter.WriteString(output, message);
        output.Write(",\"message\":"u8);
        ProtoJsonWriter.WriteString(output, message);
        if (code != StatusCode.OK)
        {
            output.Write(",\"code\":"u8);
            ProtoJsonWriter.WriteInteger(output, (int)code);
        }
        output.Write("}"u8);
    }

    /// <summary>{"error":{"grpc_code":..,"http_code":..,"message":..,"http_status":..}}: a stream's last chunk.</summary>
    public static void WriteStreamError(IBufferWriter<byte> output, StatusCode code, string message)
    {
        var http = HttpStatus(code);
        output.Write("{\"error\":{"u8);
        if (code != StatusCode.OK)
        {
            output.Write("\"grpc_code\":"u8);
            ProtoJsonWriter.WriteInteger(output, (int)code);
            output.Write(","u8);
        }
        output.Write("\"http_code\":"u8);
        ProtoJsonWriter.WriteInteger(output, http);
        if (message.Length > 0)
        {
            output.Write(",\"message\":"u8);
            ProtoJsonWriter.WriteString(output, message);
        }
        output.Write(",\"http_status\":"u8);
        ProtoJsonWriter.WriteString(output, ReasonPhrases.GetReasonPhrase(http));
        output.Write("}}"u8);
    }
}

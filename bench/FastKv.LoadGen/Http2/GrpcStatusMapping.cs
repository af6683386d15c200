// How HTTP/2-level failures become gRPC statuses, following gRPC's documented mapping: an HTTP
// status without grpc-status, and a stream reset's error code.
using FastKv.Api;

namespace FastKv.LoadGen.Http2;

public static class GrpcStatusMapping
{
    public static StatusCode FromHttpStatus(int httpStatus) => FastKv.Grpc.Client.ClientCallCore.FromHttpStatus(httpStatus);

    public static StatusCode FromResetCode(Http2ErrorCode code) => code switch
    {
        Http2ErrorCode.RefusedStream => StatusCode.Unavailable,
        Http2ErrorCode.Cancel => StatusCode.Cancelled,
        Http2ErrorCode.EnhanceYourCalm or Http2ErrorCode.FlowControlError => StatusCode.ResourceExhausted,
        Http2ErrorCode.InadequateSecurity => StatusCode.PermissionDenied,
        _ => StatusCode.Internal,
    };

    public static string ResetCodeName(Http2ErrorCode code) => code switch
    {
        Http2ErrorCode.NoError => "NO_ERROR",
        Http2ErrorCode.ProtocolError => "PROTOCOL_ERROR",
        Http2ErrorCode.InternalError => "INTERNAL_ERROR",
        Http2ErrorCode.FlowControlError => "FLOW_CONTROL_ERROR",
        Http2ErrorCode.SettingsTimeout => "SETTINGS_TIMEOUT",
        Http2ErrorCode.StreamClosed => "STREAM_CLOSED",
        Http2ErrorCode.FrameSizeError => "FRAME_SIZE_ERROR",
        Http2ErrorCode.RefusedStream => "REFUSED_STREAM",
        Http2ErrorCode.Cancel => "CANCEL",
        Http2ErrorCode.CompressionError => "COMPRESSION_ERROR",
        Http2ErrorCode.ConnectError => "CONNECT_ERROR",
        Http2ErrorCode.EnhanceYourCalm => "ENHANCE_YOUR_CALM",
        Http2ErrorCode.InadequateSecurity => "INADEQUATE_SECURITY",
        Http2ErrorCode.Http11Required => "HTTP_1_1_REQUIRED",
        _ => $"0x{(uint)code:x}",
    };
}

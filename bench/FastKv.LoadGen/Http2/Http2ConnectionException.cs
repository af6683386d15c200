// A connection error (RFC 9113 section 5.4.1): the peer broke the protocol, so the connection is
// closed with GOAWAY carrying this code and every call on it fails.
namespace FastKv.LoadGen.Http2;

public sealed class Http2ConnectionException(Http2ErrorCode code, string message) : Exception(message)
{
    public Http2ErrorCode Code { get; } = code;
}

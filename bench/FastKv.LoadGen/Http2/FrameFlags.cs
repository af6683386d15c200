// HTTP/2 frame flag bits (RFC 9113 section 6); their meaning depends on the frame type.
namespace FastKv.LoadGen.Http2;

public static class FrameFlags
{
    public const byte None = 0x0;
    public const byte EndStream = 0x1;
    public const byte Ack = 0x1;
    public const byte EndHeaders = 0x4;
    public const byte Padded = 0x8;
    public const byte Priority = 0x20;
}

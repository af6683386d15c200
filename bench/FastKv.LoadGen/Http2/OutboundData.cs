// One piece of request body waiting to go out as DATA frames: a slice of a stream's buffer, whether
// it ends the stream, and (for streaming writes) who waits until it is all in the output buffer.
namespace FastKv.LoadGen.Http2;

public struct OutboundData(H2Stream stream, byte[] buffer, int offset, int end, bool endStream, TaskCompletionSource? written)
{
    public readonly H2Stream Stream = stream;
    public readonly byte[] Buffer = buffer;
    public int Offset = offset;
    public readonly int End = end;
    public readonly bool EndStream = endStream;
    public readonly TaskCompletionSource? Written = written;
}

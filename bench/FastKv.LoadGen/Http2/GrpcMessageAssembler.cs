// Cuts a streaming response body into gRPC messages: each is a 1-byte compressed flag and a 4-byte
// big-endian length followed by that many bytes, and may be split across DATA frames at any point.
using System.Buffers.Binary;

namespace FastKv.LoadGen.Http2;

public sealed class GrpcMessageAssembler(int maxMessageSize)
{
    private readonly byte[] _prefix = new byte[5];
    private int _prefixFilled;
    private byte[]? _message;
    private int _messageFilled;

    /// <summary>True between messages: the body may end here.</summary>
    public bool AtBoundary => _prefixFilled == 0 && _message is null;

    /// <summary>Feeds body bytes; every complete message goes to <paramref name="onMessage"/>. Returns an error text for a bad prefix.</summary>
    public string? Feed(ReadOnlySpan<byte> data, Action<byte[]> onMessage)
    {
        while (!data.IsEmpty)
        {
            if (_message is null)
            {
                var n = Math.Min(5 - _prefixFilled, data.Length);
                data[..n].CopyTo(_prefix.AsSpan(_prefixFilled));
                _prefixFilled += n;
                data = data[n..];
                if (_prefixFilled < 5) return null;
                if (_prefix[0] != 0) return "grpc: the server sent a compressed message, which this client did not ask for";
                var length = BinaryPrimitives.ReadUInt32BigEndian(_prefix.AsSpan(1));
                if (length > (uint)maxMessageSize) return $"grpc: received message larger than max ({length} vs. {maxMessageSize})";
                _message = new byte[length];
                _messageFilled = 0;
            }
            var take = Math.Min(_message.Length - _messageFilled, data.Length);
            data[..take].CopyTo(_message.AsSpan(_messageFilled));
            _messageFilled += take;
            data = data[take..];
            if (_messageFilled == _message.Length)
            {
                onMessage(_message);
                _message = null;
                _prefixFilled = 0;
            }
        }
        return null;
    }
}

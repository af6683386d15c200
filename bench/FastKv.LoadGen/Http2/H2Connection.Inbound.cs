// The inbound half of H2Connection: the reader loop and what each server frame does. It runs on
// one thread per connection, under the connection lock for a whole batch of frames, then wakes
// the finished calls (whose callers write their next requests inline) and flushes once. Response
// headers go through a full HPACK decoder (dynamic table, Huffman), in order, for every block.
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using FastKv.Api;
using FastKv.Grpc;

namespace FastKv.LoadGen.Http2;

public sealed partial class H2Connection
{
    private async Task ReadLoopAsync()
    {
        RpcException error;
        try
        {
            while (true)
            {
                var read = await _socket.ReceiveAsync(_reader.FreeSpace, SocketFlags.None).ConfigureAwait(false);
                if (read == 0)
                {
                    error = new RpcException(StatusCode.Unavailable, "connection closed by the server");
                    break;
                }
                _reader.Commit(read);
                Dispatch();
            }
        }
        catch (Http2ConnectionException e)
        {
            lock (_sync)
            {
                FrameWriter.WriteGoAway(_sink.Buffer, 0, e.Code);
                _sink.RequestFlush();
            }
            error = new RpcException(StatusCode.Internal, $"connection error: {GrpcStatusMapping.ResetCodeName(e.Code)}: {e.Message}");
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            error = new RpcException(StatusCode.Unavailable, $"connection error: {e.Message}");
        }
        catch (Exception e)
        {
            // A defect here must still end the connection's calls rather than leave them to their deadlines.
            error = new RpcException(StatusCode.Internal, $"h2 transport failure: {e}");
        }
        Fail(error);
    }

    private void Dispatch()
    {
        _sink.BeginDeferral();
        try
        {
            lock (_sync)
            {
                if (!_sawSettings && _reader.BufferedStartsWith("HTTP/"u8))
                    throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "the server answered in HTTP/1.x: it does not take HTTP/2 with prior knowledge (h2c) on this port");
                while (_reader.TryRead(out var header, out var payload)) HandleFrame(header, payload);
            }
            SignalCompleted();
        }
        finally
        {
            _sink.EndDeferral();
        }
    }

    private void HandleFrame(FrameHeader header, ReadOnlySpan<byte> payload)
    {
        if (_headersStreamId != 0 && (header.Type != FrameType.Continuation || header.StreamId != _headersStreamId))
            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, $"expected CONTINUATION of stream {_headersStreamId}, got frame type {header.Type}");
        if (!_sawSettings && header.Type != FrameType.Settings)
            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, $"the server's first frame is type {header.Type}, not SETTINGS");
        switch (header.Type)
        {
            case FrameType.Data: HandleData(header, payload); break;
            case FrameType.Headers: HandleHeaders(header, payload); break;
            case FrameType.Continuation: HandleContinuation(header, payload); break;
            case FrameType.RstStream: HandleRstStream(header, payload); break;
            case FrameType.Settings: HandleSettings(header, payload); break;
            case FrameType.Ping: HandlePing(header, payload); break;
            case FrameType.GoAway: HandleGoAway(header, payload); break;
            case FrameType.WindowUpdate: HandleWindowUpdate(header, payload); break;
            case FrameType.PushPromise:
                throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "PUSH_PROMISE although SETTINGS_ENABLE_PUSH is 0");
            default:
                break; // PRIORITY and unknown types are ignored (RFC 9113 section 4.1).
        }
    }

    private static ReadOnlySpan<byte> StripPadding(FrameHeader header, ReadOnlySpan<byte> payload)
    {
        if (!header.HasFlag(FrameFlags.Padded)) return payload;
        if (payload.IsEmpty || payload[0] >= payload.Length)
            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "padding exceeds the frame");
        return payload[1..^payload[0]];
    }

    private void HandleData(FrameHeader header, ReadOnlySpan<byte> payload)
    {
        if (header.StreamId == 0) throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "DATA on stream 0");
        var data = StripPadding(header, payload);
        // The whole frame, padding included, counts against the connection window.
        _connectionReceivedUnacked += header.Length;
        if (_connectionReceivedUnacked >= _options.ConnectionReceiveWindow / 2)
        {
            FrameWriter.WriteWindowUpdate(_sink.Buffer, 0, _connectionReceivedUnacked);
            _connectionReceivedUnacked = 0;
            _sink.RequestFlush();
        }
        if (!_open.TryGetValue(header.StreamId, out var stream)) return; // finished here already
        if (!stream.HeadersSeen)
        {
            Finish(stream, new RpcException(StatusCode.Internal, "grpc: DATA before the response headers"), Http2ErrorCode.ProtocolError);
            return;
        }
        if (stream.AcceptData(data) is { } refused)
        {
            Finish(stream, new RpcException(StatusCode.ResourceExhausted, refused), Http2ErrorCode.Cancel);
            return;
        }
        if (header.HasFlag(FrameFlags.EndStream))
        {
            Finish(stream, new RpcException(StatusCode.Internal, "server closed the stream without sending trailers"), stream.LocalEnded ? null : Http2ErrorCode.Cancel);
            return;
        }
        stream.ReceivedUnacked += header.Length;
        if (stream.ReceivedUnacked >= _options.StreamReceiveWindow / 2)
        {
            FrameWriter.WriteWindowUpdate(_sink.Buffer, stream.Id, stream.ReceivedUnacked);
            stream.ReceivedUnacked = 0;
            _sink.RequestFlush();
        }
    }

    private void HandleHeaders(FrameHeader header, ReadOnlySpan<byte> payload)
    {
        if (header.StreamId == 0) throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "HEADERS on stream 0");
        var fragment = StripPadding(header, payload);
        if (header.HasFlag(FrameFlags.Priority))
        {
            if (fragment.Length < 5) throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, "HEADERS too short for its priority fields");
            fragment = fragment[5..];
        }
        _headerBlock.Clear();
        _headerBlock.Write(fragment);
        _headersEndStream = header.HasFlag(FrameFlags.EndStream);
        if (header.HasFlag(FrameFlags.EndHeaders)) OnHeaderBlock(header.StreamId);
        else _headersStreamId = header.StreamId;
    }

    private void HandleContinuation(FrameHeader header, ReadOnlySpan<byte> payload)
    {
        if (_headersStreamId == 0) throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "CONTINUATION without HEADERS");
        if (_headerBlock.Length + payload.Length > MaxHeaderBlockSize)
            throw new Http2ConnectionException(Http2ErrorCode.EnhanceYourCalm, $"header block larger than {MaxHeaderBlockSize} bytes");
        _headerBlock.Write(payload);
        if (!header.HasFlag(FrameFlags.EndHeaders)) return;
        var streamId = _headersStreamId;
        _headersStreamId = 0;
        OnHeaderBlock(streamId);
    }

    private void OnHeaderBlock(int streamId)
    {
        // Decoded even for streams finished here: the dynamic table must follow every block.
        _fields.Clear();
        if (!_decoder.TryDecode(_headerBlock.WrittenSpan, _fields))
            throw new Http2ConnectionException(Http2ErrorCode.CompressionError, "the server's header block does not decode (HPACK)");
        if (!_open.TryGetValue(streamId, out var stream)) return;
        var metadata = ResponseMetadata.Read(_fields);
        var endStream = _headersEndStream;
        if (stream.HeadersSeen)
        {
            if (!endStream)
            {
                Finish(stream, new RpcException(StatusCode.Internal, "grpc: trailers without END_STREAM"), Http2ErrorCode.ProtocolError);
                return;
            }
            FinishWithStatus(stream, metadata);
            return;
        }
        stream.HeadersSeen = true;
        if (metadata.HttpStatus != 200)
        {
            Finish(stream, new RpcException(GrpcStatusMapping.FromHttpStatus(metadata.HttpStatus),
                $"unexpected HTTP status code received from server: {metadata.HttpStatus}"), endStream && stream.LocalEnded ? null : Http2ErrorCode.Cancel);
            return;
        }
        if (endStream)
        {
            FinishWithStatus(stream, metadata); // trailers-only response
            return;
        }
        if (!metadata.IsGrpc)
            Finish(stream, new RpcException(StatusCode.Unknown, "the response content-type is not application/grpc"), Http2ErrorCode.Cancel);
    }

    private void HandleRstStream(FrameHeader header, ReadOnlySpan<byte> payload)
    {
        if (header.Length != 4) throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, "RST_STREAM must be 4 bytes");
        if (header.StreamId == 0) throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "RST_STREAM on stream 0");
        if (!_open.TryGetValue(header.StreamId, out var stream)) return;
        var code = (Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(payload);
        Finish(stream, new RpcException(GrpcStatusMapping.FromResetCode(code),
            $"stream terminated by RST_STREAM with error code: {GrpcStatusMapping.ResetCodeName(code)}"), null);
    }

    private void HandleSettings(FrameHeader header, ReadOnlySpan<byte> payload)
    {
        if (header.StreamId != 0) throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "SETTINGS on a stream");
        if (header.HasFlag(FrameFlags.Ack))
        {
            if (header.Length != 0) throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, "SETTINGS ACK with a payload");
            return;
        }
        if (header.Length % 6 != 0) throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, "SETTINGS length is not a multiple of 6");
        var windowsChanged = false;
        for (var at = 0; at < payload.Length; at += 6)
        {
            var id = BinaryPrimitives.ReadUInt16BigEndian(payload[at..]);
            var value = BinaryPrimitives.ReadUInt32BigEndian(payload[(at + 2)..]);
            switch (id)
            {
                case SettingId.MaxConcurrentStreams:
                    _maxConcurrentStreams = (int)Math.Min(value, int.MaxValue);
                    break;
                case SettingId.InitialWindowSize:
                    if (value > int.MaxValue) throw new Http2ConnectionException(Http2ErrorCode.FlowControlError, $"SETTINGS_INITIAL_WINDOW_SIZE {value} is too large");
                    var delta = (int)value - _peerInitialWindow;
                    _peerInitialWindow = (int)value;
                    foreach (var stream in _open.Values)
                    {
                        stream.SendWindow += delta;
                        if (stream.SendWindow > int.MaxValue)
                            throw new Http2ConnectionException(Http2ErrorCode.FlowControlError, "a stream window exceeds 2^31-1");
                    }
                    windowsChanged = true;
                    break;
                case SettingId.MaxFrameSize:
                    if (value < FrameHeader.DefaultMaxFrameSize || value > FrameHeader.MaxAllowedFrameSize)
                        throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, $"SETTINGS_MAX_FRAME_SIZE {value} is out of range");
                    _peerMaxFrameSize = (int)value;
                    break;
                default:
                    break; // the header table size concerns an encoder with a dynamic table; this one has none
            }
        }
        var output = _sink.Buffer;
        FrameWriter.WriteSettingsAck(output);
        if (windowsChanged) _outbound.Drain(output, _peerMaxFrameSize);
        _sink.RequestFlush();
        if (!_sawSettings)
        {
            _sawSettings = true;
            _ready.TrySetResult();
        }
        OpenWaiting();
    }

    private void HandlePing(FrameHeader header, ReadOnlySpan<byte> payload)
    {
        if (header.Length != 8) throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, "PING must be 8 bytes");
        if (header.StreamId != 0) throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "PING on a stream");
        if (header.HasFlag(FrameFlags.Ack)) return;
        FrameWriter.WritePing(_sink.Buffer, payload, ack: true);
        _sink.RequestFlush();
    }

    private void HandleGoAway(FrameHeader header, ReadOnlySpan<byte> payload)
    {
        if (header.Length < 8) throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, "GOAWAY shorter than 8 bytes");
        var lastStreamId = (int)(BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7FFFFFFF);
        var code = (Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(payload[4..]);
        var debug = payload.Length > 8 ? Encoding.ASCII.GetString(payload[8..Math.Min(payload.Length, 8 + 200)]) : "";
        var message = $"the server sent GOAWAY ({GrpcStatusMapping.ResetCodeName(code)}, last stream {lastStreamId})" + (debug.Length > 0 ? $": {debug}" : "");
        _closed ??= new RpcException(StatusCode.Unavailable, message);
        // Streams above the last id were never processed; those at or below it may still finish.
        foreach (var stream in _open.Values.Where(s => s.Id > lastStreamId).ToList())
            Finish(stream, new RpcException(StatusCode.Unavailable, message), null);
        while (_waiting.First is { } node) Finish(node.Value, new RpcException(StatusCode.Unavailable, message), null);
    }

    private void HandleWindowUpdate(FrameHeader header, ReadOnlySpan<byte> payload)
    {
        if (header.Length != 4) throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, "WINDOW_UPDATE must be 4 bytes");
        var increment = (int)(BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7FFFFFFF);
        if (header.StreamId == 0)
        {
            if (increment == 0) throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "WINDOW_UPDATE of 0 on the connection");
            _outbound.ConnectionWindow += increment;
            if (_outbound.ConnectionWindow > int.MaxValue)
                throw new Http2ConnectionException(Http2ErrorCode.FlowControlError, "the connection window exceeds 2^31-1");
        }
        else
        {
            if (!_open.TryGetValue(header.StreamId, out var stream)) return;
            if (increment == 0)
            {
                Finish(stream, new RpcException(StatusCode.Internal, "WINDOW_UPDATE of 0 on the stream"), Http2ErrorCode.ProtocolError);
                return;
            }
            stream.SendWindow += increment;
            if (stream.SendWindow > int.MaxValue)
            {
                Finish(stream, new RpcException(StatusCode.Internal, "the stream window exceeds 2^31-1"), Http2ErrorCode.FlowControlError);
                return;
            }
        }
        _outbound.Drain(_sink.Buffer, _peerMaxFrameSize);
        _sink.RequestFlush();
    }
}

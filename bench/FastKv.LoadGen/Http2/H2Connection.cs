// One cleartext HTTP/2 connection (prior knowledge) carrying gRPC calls for the load generator,
// without HttpClient: many callers share it, their frames are coalesced into few sends (FrameSink),
// one reader loop decodes the server's frames and completes calls by stream id. It honours the
// server's SETTINGS (MAX_CONCURRENT_STREAMS, INITIAL_WINDOW_SIZE, MAX_FRAME_SIZE), its connection
// and stream send windows (OutboundQueue), grants and replenishes its own receive windows, answers
// PING and SETTINGS, and fails calls on RST_STREAM, GOAWAY, a dropped socket or their deadline, so
// no wait is unbounded. This file owns the calls, the streams' lifecycle and failure; the frames
// the server sends are handled in H2Connection.Inbound.cs.
using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using FastKv.Api;
using FastKv.Grpc;
using FastKv.Grpc.Hosting;
using Google.Protobuf;

namespace FastKv.LoadGen.Http2;

public sealed partial class H2Connection : IGrpcChannel
{
    private const int HeaderTableSize = 4096;
    private const int MaxHeaderBlockSize = 1 << 20;

    private readonly object _sync = new();
    private readonly Socket _socket;
    private readonly string _authority;
    private readonly H2ConnectionOptions _options;
    private readonly long _callTimeoutTicks;
    private readonly FrameSink _sink;
    private readonly FrameReader _reader = new();
    private readonly HpackDecoder _decoder = new(HeaderTableSize);
    private readonly List<HpackHeaderField> _fields = [];
    private readonly OutputBuffer _headerBlock = new(1024);
    private readonly Dictionary<int, H2Stream> _open = [];
    private readonly LinkedList<H2Stream> _waiting = new();
    private readonly OutboundQueue _outbound = new();
    private readonly Dictionary<string, byte[]> _requestHeaders = new(StringComparer.Ordinal);
    private readonly Stack<UnaryCall> _callPool = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Timer _deadlines;
    private List<H2Stream> _completed = [];
    private List<H2Stream>? _spareCompleted = [];

    private int _nextStreamId = 1;
    private int _maxConcurrentStreams = int.MaxValue;
    private int _peerMaxFrameSize = FrameHeader.DefaultMaxFrameSize;
    private int _peerInitialWindow = OutboundQueue.DefaultWindow;
    private int _connectionReceivedUnacked;
    private bool _sawSettings;
    private int _headersStreamId;
    private bool _headersEndStream;
    private RpcException? _closed;
    private int _socketClosed;

    private H2Connection(Socket socket, string authority, H2ConnectionOptions options)
    {
        _socket = socket;
        _authority = authority;
        _options = options;
        _callTimeoutTicks = (long)(options.CallTimeout.TotalSeconds * Stopwatch.Frequency);
        _sink = new FrameSink(_sync, socket, e => Fail(new RpcException(StatusCode.Unavailable, $"connection error: {e.Message}")));
        _deadlines = new Timer(static state => ((H2Connection)state!).CheckDeadlines(), this, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>Connects to an http:// address, sends the preface and SETTINGS, and returns once the server's SETTINGS arrived.</summary>
    public static async Task<H2Connection> ConnectAsync(Uri address, H2ConnectionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        options ??= new H2ConnectionOptions();
        if (address.Scheme != Uri.UriSchemeHttp)
            throw new ArgumentException($"the h2 transport speaks cleartext HTTP/2 only; use --transport httpclient for {address.GetLeftPart(UriPartial.Authority)}");
        var authority = address.Authority;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        H2Connection? connection = null;
        try
        {
            await socket.ConnectAsync(address.DnsSafeHost, address.Port, timeout.Token).ConfigureAwait(false);
            connection = new H2Connection(socket, authority, options);
            connection.Start();
            await connection._ready.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
            return connection;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or RpcException)
        {
            var error = e switch
            {
                RpcException rpc => rpc,
                OperationCanceledException when !cancellationToken.IsCancellationRequested => new RpcException(StatusCode.Unavailable,
                    $"connection error: {authority}: no HTTP/2 connection within {options.ConnectTimeout.TotalSeconds:0.#}s"),
                _ => new RpcException(StatusCode.Unavailable, $"connection error: dial tcp {authority}: {e.Message}"),
            };
            if (connection is not null) connection.Fail(error);
            socket.Dispose();
            throw error;
        }
    }

    /// <summary>Streams open right now (HEADERS sent, not yet finished).</summary>
    public int OpenStreams
    {
        get { lock (_sync) return _open.Count; }
    }

    /// <summary>Calls waiting for a stream slot under the server's MAX_CONCURRENT_STREAMS.</summary>
    public int WaitingCalls
    {
        get { lock (_sync) return _waiting.Count; }
    }

    /// <summary>Socket sends so far: with coalescing, fewer than calls under concurrency.</summary>
    public long Sends => _sink.Sends;

    private void Start()
    {
        lock (_sync)
        {
            var output = _sink.Buffer;
            FrameWriter.WritePreface(output);
            FrameWriter.WriteSettings(output, [(SettingId.EnablePush, 0u), (SettingId.InitialWindowSize, (uint)_options.StreamReceiveWindow)]);
            if (_options.ConnectionReceiveWindow > OutboundQueue.DefaultWindow)
                FrameWriter.WriteWindowUpdate(output, 0, _options.ConnectionReceiveWindow - OutboundQueue.DefaultWindow);
            _sink.RequestFlush();
        }
        _ = ReadLoopAsync();
        _deadlines.Change(_options.DeadlineCheckInterval, _options.DeadlineCheckInterval);
    }

    // ---- calls -------------------------------------------------------------------------------

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<TResponse> UnaryAsync<TRequest, TResponse>(string method, TRequest request, MessageParser<TResponse> parser, CancellationToken cancellationToken = default)
        where TRequest : IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var call = RentCall();
        try
        {
            await StartUnary(call, method, request, cancellationToken).ConfigureAwait(false);
            if (call.Error is { } error) throw error;
            return Parse(parser, call);
        }
        finally
        {
            ReturnCall(call);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask CallAsync<TRequest>(string method, TRequest request, CancellationToken cancellationToken = default)
        where TRequest : IMessage<TRequest>
    {
        var call = RentCall();
        try
        {
            await StartUnary(call, method, request, cancellationToken).ConfigureAwait(false);
            if (call.Error is { } error) throw error;
        }
        finally
        {
            ReturnCall(call);
        }
    }

    public IDuplexCall<TRequest, TResponse> OpenDuplex<TRequest, TResponse>(string method, MessageParser<TResponse> parser)
        where TRequest : IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var call = new DuplexCall<TRequest, TResponse>(this, parser, _options.MaxReceiveMessageSize);
        Start(call, method, withDeadline: false);
        return call;
    }

    private static TResponse Parse<TResponse>(MessageParser<TResponse> parser, UnaryCall call) where TResponse : IMessage<TResponse>
    {
        try
        {
            return parser.ParseFrom(call.ResponseMessage);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new RpcException(StatusCode.Internal, $"grpc: failed to unmarshal the received message: {e.Message}");
        }
    }

    private ValueTask StartUnary<TRequest>(UnaryCall call, string method, TRequest request, CancellationToken cancellationToken)
        where TRequest : IMessage<TRequest>
    {
        call.SetRequest(request);
        call.Deferred.Add(new OutboundData(call, call.RequestBuffer, 0, call.RequestLength, endStream: true, written: null));
        Start(call, method, withDeadline: true);
        if (cancellationToken.CanBeCanceled)
            call.Cancellation = cancellationToken.UnsafeRegister(_ => Cancel(call, new RpcException(StatusCode.Cancelled, "context canceled")), null);
        return call.AsValueTask();
    }

    private UnaryCall RentCall()
    {
        lock (_callPool)
        {
            if (_callPool.TryPop(out var call)) return call;
        }
        return new UnaryCall(_options.MaxReceiveMessageSize);
    }

    private void ReturnCall(UnaryCall call)
    {
        // Waits for a cancellation callback in flight, so the call is idle before reuse.
        call.Cancellation.Dispose();
        lock (_sync)
        {
            // A call that never started (the connection was closed) is not in any table.
            if (!call.Finished && call.Id == 0 && call.WaitingNode is null) call.Finished = true;
            if (!call.Finished) return; // cannot happen after a completed wait; never reuse a live stream
        }
        call.Reset();
        lock (_callPool) _callPool.Push(call);
    }

    private void Start(H2Stream stream, string method, bool withDeadline)
    {
        bool signal;
        lock (_sync)
        {
            if (_closed is { } closed) throw new RpcException(closed.Code, closed.Message);
            if (!_requestHeaders.TryGetValue(method, out var block))
                _requestHeaders[method] = block = RequestHeaderBlock.Encode(method, _authority);
            stream.HeaderBlock = block;
            if (withDeadline) stream.Deadline = Stopwatch.GetTimestamp() + _callTimeoutTicks;
            if (_waiting.Count == 0 && _open.Count < _maxConcurrentStreams) Open(stream);
            else stream.WaitingNode = _waiting.AddLast(stream);
            _sink.RequestFlush();
            signal = _completed.Count > 0;
        }
        if (signal) SignalCompleted();
    }

    /// <summary>Sends one message on an open streaming call; completes once it is in the output buffer.</summary>
    internal ValueTask WriteStreamAsync(H2Stream stream, byte[] message)
    {
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_sync)
        {
            if (stream.Finished) throw new RpcException(StatusCode.Cancelled, "grpc: the stream has already ended");
            var entry = new OutboundData(stream, message, 0, message.Length, endStream: false, written);
            if (stream.Id == 0) stream.Deferred.Add(entry);
            else if (_outbound.Send(entry, _sink.Buffer, _peerMaxFrameSize)) written.TrySetResult();
            _sink.RequestFlush();
        }
        return new ValueTask(written.Task);
    }

    /// <summary>Ends a call from this side: RST_STREAM(CANCEL) if it was open, the given error for its caller.</summary>
    internal void Cancel(H2Stream stream, RpcException error)
    {
        lock (_sync) Finish(stream, error, stream.Id != 0 ? Http2ErrorCode.Cancel : null);
        SignalCompleted();
    }

    // ---- streams (all under _sync) -----------------------------------------------------------

    private void Open(H2Stream stream)
    {
        if (_nextStreamId <= 0)
        {
            _closed ??= new RpcException(StatusCode.Unavailable, "the connection has used up its HTTP/2 stream ids");
            Finish(stream, new RpcException(_closed.Code, _closed.Message), null);
            return;
        }
        stream.Id = _nextStreamId;
        _nextStreamId += 2;
        stream.SendWindow = _peerInitialWindow;
        _open.Add(stream.Id, stream);
        var output = _sink.Buffer;
        FrameWriter.WriteHeaders(output, stream.Id, stream.HeaderBlock, endStream: false, _peerMaxFrameSize);
        foreach (var entry in stream.Deferred)
        {
            if (_outbound.Send(entry, output, _peerMaxFrameSize)) entry.Written?.TrySetResult();
        }
        stream.Deferred.Clear();
    }

    private void OpenWaiting()
    {
        while (_closed is null && _waiting.First is { } node && _open.Count < _maxConcurrentStreams)
        {
            _waiting.RemoveFirst();
            node.Value.WaitingNode = null;
            Open(node.Value);
        }
    }

    /// <param name="reset">RST_STREAM to send (the stream is still open at the server), or null.</param>
    private void Finish(H2Stream stream, RpcException? error, Http2ErrorCode? reset)
    {
        if (stream.Finished) return;
        stream.Finished = true;
        if (stream.WaitingNode is { } node)
        {
            _waiting.Remove(node);
            stream.WaitingNode = null;
        }
        foreach (var entry in stream.Deferred) entry.Written?.TrySetException(error ?? StreamEnded());
        stream.Deferred.Clear();
        if (stream.Id != 0)
        {
            _open.Remove(stream.Id);
            if (reset is { } code && _socketClosed == 0)
            {
                FrameWriter.WriteRstStream(_sink.Buffer, stream.Id, code);
                _sink.RequestFlush();
            }
            if (stream.BlockedEntries > 0) _outbound.Remove(stream, error ?? StreamEnded());
        }
        stream.OnFinished(error);
        _completed.Add(stream);
        if (_waiting.Count > 0) OpenWaiting();
    }

    private static RpcException StreamEnded() => new(StatusCode.Cancelled, "grpc: the stream ended before the message was sent");

    /// <summary>Finishes a stream the server ended (END_STREAM) with the status its trailers carry.</summary>
    private void FinishWithStatus(H2Stream stream, in ResponseMetadata metadata)
    {
        // A response that ends before the request was all sent: tell the server to drop the rest.
        Http2ErrorCode? reset = stream.LocalEnded ? null : Http2ErrorCode.Cancel;
        RpcException? error = metadata.GrpcStatus switch
        {
            0 => null,
            ResponseMetadata.NoStatus => new RpcException(StatusCode.Internal, "server closed the stream without sending grpc-status"),
            < 0 => new RpcException(StatusCode.Internal, "malformed grpc-status"),
            _ => new RpcException((StatusCode)metadata.GrpcStatus, metadata.GrpcMessage ?? ""),
        };
        Finish(stream, error, reset);
    }

    // ---- completion, deadlines, failure ------------------------------------------------------

    /// <summary>Wakes the callers of the streams finished so far, outside the lock.</summary>
    private void SignalCompleted()
    {
        List<H2Stream> done;
        lock (_sync)
        {
            if (_completed.Count == 0) return;
            done = _completed;
            _completed = Interlocked.Exchange(ref _spareCompleted, null) ?? [];
        }
        foreach (var stream in done) stream.Signal();
        done.Clear();
        Interlocked.CompareExchange(ref _spareCompleted, done, null);
    }

    private void CheckDeadlines()
    {
        var now = Stopwatch.GetTimestamp();
        lock (_sync)
        {
            List<H2Stream>? expired = null;
            foreach (var stream in _open.Values)
            {
                if (stream.Deadline != 0 && now > stream.Deadline) (expired ??= []).Add(stream);
            }
            foreach (var stream in _waiting)
            {
                if (stream.Deadline != 0 && now > stream.Deadline) (expired ??= []).Add(stream);
            }
            if (expired is null) return;
            foreach (var stream in expired)
                Finish(stream, new RpcException(StatusCode.DeadlineExceeded, "context deadline exceeded"), stream.Id != 0 ? Http2ErrorCode.Cancel : null);
        }
        SignalCompleted();
    }

    /// <summary>Closes the connection: every call on it fails with the error (a copy each), new calls too.</summary>
    internal void Fail(RpcException error)
    {
        lock (_sync)
        {
            _closed ??= error;
            foreach (var stream in _open.Values.ToList()) Finish(stream, new RpcException(error.Code, error.Message), null);
            while (_waiting.First is { } node) Finish(node.Value, new RpcException(error.Code, error.Message), null);
        }
        _ready.TrySetException(error);
        CloseSocket();
        SignalCompleted();
    }

    private void CloseSocket()
    {
        if (Interlocked.Exchange(ref _socketClosed, 1) != 0) return;
        _deadlines.Dispose();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        _socket.Dispose();
    }

    public void Dispose() => Fail(new RpcException(StatusCode.Cancelled, "grpc: the client connection is closing"));
}

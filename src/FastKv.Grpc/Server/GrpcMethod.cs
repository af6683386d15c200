// A registered method of one of the four kinds; each kind knows how many messages flow each way
// and when the response headers go out (streams send them at once so the client sees the stream open).
// InvokeLocalAsync runs the same handler in-process with parsed messages (a JSON gateway's call), so
// both paths share every check the handler makes.
using FastKv.Api;
using FastKv.Grpc.Framing;
using Google.Protobuf;

namespace FastKv.Grpc.Server;

internal abstract class GrpcMethod
{
    public GrpcMethodInfo Info { get; internal set; } = null!;

    public abstract Task InvokeAsync(ServerCall call);

    public abstract Task InvokeLocalAsync(IAsyncEnumerable<IMessage> requests, Func<IMessage, CancellationToken, ValueTask> responses, CallContext context);

    /// <summary>Streams may run indefinitely, so host shutdown cancels them; unary calls just finish.</summary>
    public virtual bool IsStreaming => true;

    protected static async ValueTask<TRequest> ReadSingleAsync<TRequest>(ServerCall call, MessageParser<TRequest> parser)
        where TRequest : class, IMessage<TRequest>
    {
        var body = call.HttpContext.Request.BodyReader;
        var request = await MessageFraming.ReadAsync(body, parser,
            call.MaxReceiveMessageSize, call.Gzip, call.Context.CancellationToken).ConfigureAwait(false);
        if (request is null)
            throw new RpcException(StatusCode.Internal, "grpc: the client sent no request message for a unary request");
        // Wait for the client's END_STREAM before answering: completing a stream whose request
        // side is still open makes Kestrel reset it, and some clients (HttpClient among them)
        // then drop the response they were about to read.
        while (true)
        {
            var rest = await body.ReadAsync(call.Context.CancellationToken).ConfigureAwait(false);
            var extra = rest.Buffer.Length;
            body.AdvanceTo(rest.Buffer.End);
            if (extra > 0)
                throw new RpcException(StatusCode.Internal, "grpc: the client sent more than one request message for a unary request");
            if (rest.IsCompleted || rest.IsCanceled) return request;
        }
    }

    protected static MessageReader<TRequest> Reader<TRequest>(ServerCall call, MessageParser<TRequest> parser)
        where TRequest : class, IMessage<TRequest> =>
        new(call.HttpContext.Request.BodyReader, parser, call.MaxReceiveMessageSize, call.Gzip, call.Context.CancellationToken, call.Observer, call.Method);

    protected static MessageWriter<TResponse> Writer<TResponse>(ServerCall call)
        where TResponse : IMessage<TResponse>
    {
        call.WroteMessage = true;
        return new MessageWriter<TResponse>(call.HttpContext.Response.BodyWriter, call.Context.CancellationToken, call.Observer, call.Method);
    }

    protected static Task StartStreamAsync(ServerCall call) =>
        call.HttpContext.Response.StartAsync(call.Context.CancellationToken);

    protected static async ValueTask<TRequest> FirstLocalAsync<TRequest>(IAsyncEnumerable<IMessage> requests, CancellationToken cancellationToken)
        where TRequest : class, IMessage<TRequest>
    {
        await using var e = requests.GetAsyncEnumerator(cancellationToken);
        if (!await e.MoveNextAsync().ConfigureAwait(false))
            throw new RpcException(StatusCode.Internal, "grpc: the client sent no request message for a unary request");
        return As<TRequest>(e.Current);
    }

    protected static async IAsyncEnumerator<TRequest> LocalRequests<TRequest>(IAsyncEnumerable<IMessage> requests, CancellationToken cancellationToken)
        where TRequest : class, IMessage<TRequest>
    {
        await foreach (var message in requests.WithCancellation(cancellationToken).ConfigureAwait(false))
            yield return As<TRequest>(message);
    }

    protected static MessageWriter<TResponse> LocalWriter<TResponse>(Func<IMessage, CancellationToken, ValueTask> responses, CallContext context)
        where TResponse : IMessage<TResponse> =>
        new((message, token) => responses(message, token), context.CancellationToken);

    private static TRequest As<TRequest>(IMessage message) where TRequest : class, IMessage<TRequest> =>
        message as TRequest ?? throw new ArgumentException(
            $"an in-process call needs {typeof(TRequest).Name} messages, not {message.GetType().Name}", nameof(message));
}

internal sealed class UnaryMethod<TRequest, TResponse>(MessageParser<TRequest> parser, UnaryHandler<TRequest, TResponse> handler) : GrpcMethod
    where TRequest : class, IMessage<TRequest>
    where TResponse : IMessage<TResponse>
{
    public override bool IsStreaming => false;

    public override async Task InvokeAsync(ServerCall call)
    {
        var request = await ReadSingleAsync(call, parser).ConfigureAwait(false);
        var response = await handler(request, call.Context).ConfigureAwait(false);
        // No flush: the message, the headers and the trailers leave together when the call completes.
        call.WroteMessage = true;
        MessageFraming.Write(call.HttpContext.Response.BodyWriter, response);
    }

    public override async Task InvokeLocalAsync(IAsyncEnumerable<IMessage> requests, Func<IMessage, CancellationToken, ValueTask> responses, CallContext context)
    {
        var request = await FirstLocalAsync<TRequest>(requests, context.CancellationToken).ConfigureAwait(false);
        var response = await handler(request, context).ConfigureAwait(false);
        await responses(response, context.CancellationToken).ConfigureAwait(false);
    }
}

internal sealed class ServerStreamingMethod<TRequest, TResponse>(MessageParser<TRequest> parser, ServerStreamingHandler<TRequest, TResponse> handler) : GrpcMethod
    where TRequest : class, IMessage<TRequest>
    where TResponse : IMessage<TResponse>
{
    public override async Task InvokeAsync(ServerCall call)
    {
        var request = await ReadSingleAsync(call, parser).ConfigureAwait(false);
        call.Observer?.OnStreamMessageReceived(call.Method);
        await StartStreamAsync(call).ConfigureAwait(false);
        var writer = Writer<TResponse>(call);
        try
        {
            await handler(request, writer, call.Context).ConfigureAwait(false);
        }
        finally
        {
            await writer.SealAsync().ConfigureAwait(false);
        }
    }

    public override async Task InvokeLocalAsync(IAsyncEnumerable<IMessage> requests, Func<IMessage, CancellationToken, ValueTask> responses, CallContext context)
    {
        var request = await FirstLocalAsync<TRequest>(requests, context.CancellationToken).ConfigureAwait(false);
        var writer = LocalWriter<TResponse>(responses, context);
        try
        {
            await handler(request, writer, context).ConfigureAwait(false);
        }
        finally
        {
            await writer.SealAsync().ConfigureAwait(false);
        }
    }
}

internal sealed class ClientStreamingMethod<TRequest, TResponse>(MessageParser<TRequest> parser, ClientStreamingHandler<TRequest, TResponse> handler) : GrpcMethod
    where TRequest : class, IMessage<TRequest>
    where TResponse : IMessage<TResponse>
{
    public override async Task InvokeAsync(ServerCall call)
    {
        var reader = Reader(call, parser);
        TResponse response;
        try
        {
            response = await handler(reader, call.Context).ConfigureAwait(false);
        }
        finally
        {
            reader.Seal();
        }
        call.WroteMessage = true;
        MessageFraming.Write(call.HttpContext.Response.BodyWriter, response);
    }

    public override async Task InvokeLocalAsync(IAsyncEnumerable<IMessage> requests, Func<IMessage, CancellationToken, ValueTask> responses, CallContext context)
    {
        await using var source = LocalRequests<TRequest>(requests, context.CancellationToken);
        var reader = new MessageReader<TRequest>(source, context.CancellationToken);
        TResponse response;
        try
        {
            response = await handler(reader, context).ConfigureAwait(false);
        }
        finally
        {
            reader.Seal();
        }
        await responses(response, context.CancellationToken).ConfigureAwait(false);
    }
}

internal sealed class DuplexStreamingMethod<TRequest, TResponse>(MessageParser<TRequest> parser, DuplexStreamingHandler<TRequest, TResponse> handler) : GrpcMethod
    where TRequest : class, IMessage<TRequest>
    where TResponse : IMessage<TResponse>
{
    public override async Task InvokeAsync(ServerCall call)
    {
        await StartStreamAsync(call).ConfigureAwait(false);
        var reader = Reader(call, parser);
        var writer = Writer<TResponse>(call);
        try
        {
            await handler(reader, writer, call.Context).ConfigureAwait(false);
        }
        finally
        {
            reader.Seal();
            await writer.SealAsync().ConfigureAwait(false);
        }
    }

    public override async Task InvokeLocalAsync(IAsyncEnumerable<IMessage> requests, Func<IMessage, CancellationToken, ValueTask> responses, CallContext context)
    {
        await using var source = LocalRequests<TRequest>(requests, context.CancellationToken);
        var reader = new MessageReader<TRequest>(source, context.CancellationToken);
        var writer = LocalWriter<TResponse>(responses, context);
        try
        {
            await handler(reader, writer, context).ConfigureAwait(false);
        }
        finally
        {
            reader.Seal();
            await writer.SealAsync().ConfigureAwait(false);
        }
    }
}

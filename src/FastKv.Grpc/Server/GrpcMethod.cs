// A registered method of one of the four kinds; each kind knows how many messages flow each way
// and when the response headers go out (streams send them at once so the client sees the stream open).
using FastKv.Api;
using FastKv.Grpc.Framing;
using Google.Protobuf;

namespace FastKv.Grpc.Server;

internal abstract class GrpcMethod
{
    public GrpcMethodInfo Info { get; internal set; } = null!;

    public abstract Task InvokeAsync(ServerCall call);

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
        new(call.HttpContext.Request.BodyReader, parser, call.MaxReceiveMessageSize, call.Gzip, call.Context.CancellationToken);

    protected static MessageWriter<TResponse> Writer<TResponse>(ServerCall call)
        where TResponse : IMessage<TResponse>
    {
        call.WroteMessage = true;
        return new MessageWriter<TResponse>(call.HttpContext.Response.BodyWriter, call.Context.CancellationToken);
    }

    protected static Task StartStreamAsync(ServerCall call) =>
        call.HttpContext.Response.StartAsync(call.Context.CancellationToken);
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
}

internal sealed class ServerStreamingMethod<TRequest, TResponse>(MessageParser<TRequest> parser, ServerStreamingHandler<TRequest, TResponse> handler) : GrpcMethod
    where TRequest : class, IMessage<TRequest>
    where TResponse : IMessage<TResponse>
{
    public override async Task InvokeAsync(ServerCall call)
    {
        var request = await ReadSingleAsync(call, parser).ConfigureAwait(false);
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
}

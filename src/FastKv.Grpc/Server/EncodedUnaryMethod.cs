// A unary method whose handler writes the response's protobuf encoding itself (a store that
// keeps its values serialized can copy them to the wire without building a message). The bytes
// go into a pooled buffer, so a handler that fails midway leaves nothing on the wire; the method
// then frames them like any response. In-process callers (the JSON gateway) get the response
// parsed from the same bytes, so both paths answer alike.
using System.Buffers;
using FastKv.Grpc.Framing;
using Google.Protobuf;

namespace FastKv.Grpc.Server;

/// <summary>Handles a unary call by writing the response message's encoding (no gRPC prefix) into <paramref name="response"/>.</summary>
public delegate ValueTask EncodedUnaryHandler<TRequest>(TRequest request, IBufferWriter<byte> response, CallContext context)
    where TRequest : class, IMessage<TRequest>;

internal sealed class EncodedUnaryMethod<TRequest, TResponse>(
    MessageParser<TRequest> parser, MessageParser<TResponse> responseParser, EncodedUnaryHandler<TRequest> handler) : GrpcMethod
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    public override bool IsStreaming => false;

    public override async Task InvokeAsync(ServerCall call)
    {
        var request = await ReadSingleAsync(call, parser).ConfigureAwait(false);
        using var encoded = new PooledBufferWriter();
        await handler(request, encoded, call.Context).ConfigureAwait(false);
        // No flush: the message, the headers and the trailers leave together when the call completes.
        call.WroteMessage = true;
        MessageFraming.WriteEncoded(call.HttpContext.Response.BodyWriter, encoded.WrittenSpan);
    }

    public override async Task InvokeLocalAsync(IAsyncEnumerable<IMessage> requests, Func<IMessage, CancellationToken, ValueTask> responses, CallContext context)
    {
        var request = await FirstLocalAsync<TRequest>(requests, context.CancellationToken).ConfigureAwait(false);
        TResponse response;
        using (var encoded = new PooledBufferWriter())
        {
            await handler(request, encoded, context).ConfigureAwait(false);
            response = responseParser.ParseFrom(encoded.WrittenSpan);
        }
        await responses(response, context.CancellationToken).ConfigureAwait(false);
    }
}

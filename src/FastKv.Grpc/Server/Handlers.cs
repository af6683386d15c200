// The four shapes of a gRPC method as handlers see them. Request messages arrive parsed; responses
// are protobuf messages the framing serialises straight into the HTTP/2 response pipe.
using Google.Protobuf;

namespace FastKv.Grpc.Server;

public delegate ValueTask<TResponse> UnaryHandler<TRequest, TResponse>(TRequest request, CallContext context)
    where TRequest : class, IMessage<TRequest>
    where TResponse : IMessage<TResponse>;

public delegate Task ServerStreamingHandler<TRequest, TResponse>(TRequest request, MessageWriter<TResponse> responses, CallContext context)
    where TRequest : class, IMessage<TRequest>
    where TResponse : IMessage<TResponse>;

public delegate ValueTask<TResponse> ClientStreamingHandler<TRequest, TResponse>(MessageReader<TRequest> requests, CallContext context)
    where TRequest : class, IMessage<TRequest>
    where TResponse : IMessage<TResponse>;

public delegate Task DuplexStreamingHandler<TRequest, TResponse>(MessageReader<TRequest> requests, MessageWriter<TResponse> responses, CallContext context)
    where TRequest : class, IMessage<TRequest>
    where TResponse : IMessage<TResponse>;

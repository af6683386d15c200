// Methods that misbehave on purpose, for the error-path tests: a handler that waits for its
// cancellation, one that throws, one that fails with an etcd error, one that echoes metadata, and
// a server stream that runs until cancelled. Each records what its CallContext saw.
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using FastKv.Api.Mvccpb;
using FastKv.Grpc.Server;
using Google.Protobuf;

namespace FastKv.Grpc.Tests;

internal sealed class ProbeService
{
    public const string Service = "fastkv.test.Probe";

    public TaskCompletionSource HangStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource HangCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource StreamCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public DateTime? LastDeadline { get; private set; }
    public TaskCompletionSource<MessageWriter<RangeResponse>> LeakedWriter { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Register(MethodTable methods)
    {
        methods.AddUnary<RangeRequest, RangeResponse>(Service, "Hang", RangeRequest.Parser, HangAsync);
        methods.AddUnary<RangeRequest, RangeResponse>(Service, "Throw", RangeRequest.Parser,
            (_, _) => throw new InvalidOperationException("probe handler failed on purpose"));
        methods.AddUnary<RangeRequest, RangeResponse>(Service, "Fail", RangeRequest.Parser,
            (request, _) => throw new EtcdException(StatusCode.FailedPrecondition, request.Key.ToStringUtf8()));
        methods.AddUnary<RangeRequest, RangeResponse>(Service, "Metadata", RangeRequest.Parser, MetadataAsync);
        methods.AddServerStreaming<RangeRequest, RangeResponse>(Service, "Stream", RangeRequest.Parser, StreamAsync);
        methods.AddClientStreaming<PutRequest, RangeResponse>(Service, "Collect", PutRequest.Parser, CollectAsync);
        methods.AddUnary<RangeRequest, RangeResponse>(Service, "ClientCertificate", RangeRequest.Parser, (_, context) =>
            ValueTask.FromResult(new RangeResponse { Kvs = { new KeyValue { Key = ByteString.CopyFromUtf8(context.ClientCertificate?.Subject ?? "") } } }));
        // Returns at once but hands its writer out, like a watch hub that outlives its stream.
        methods.AddServerStreaming<RangeRequest, RangeResponse>(Service, "Leak", RangeRequest.Parser, (_, responses, _) =>
        {
            LeakedWriter.TrySetResult(responses);
            return Task.CompletedTask;
        });
    }

    private async ValueTask<RangeResponse> HangAsync(RangeRequest request, CallContext context)
    {
        LastDeadline = context.Deadline;
        HangStarted.TrySetResult();
        try
        {
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        }
        finally
        {
            HangCancelled.TrySetResult();
        }
        return new RangeResponse();
    }

    private ValueTask<RangeResponse> MetadataAsync(RangeRequest request, CallContext context)
    {
        var response = new RangeResponse();
        foreach (var name in new[] { "token", "authorization" })
        {
            if (context.GetMetadata(name) is { } value)
                response.Kvs.Add(new KeyValue { Key = ByteString.CopyFromUtf8(name), Value = ByteString.CopyFromUtf8(value) });
        }
        return ValueTask.FromResult(response);
    }

    private async Task StreamAsync(RangeRequest request, MessageWriter<RangeResponse> responses, CallContext context)
    {
        try
        {
            for (long i = 0; ; i++)
            {
                await responses.WriteAsync(new RangeResponse { Count = i });
                if (i >= request.Limit) await Task.Delay(Timeout.Infinite, context.CancellationToken);
            }
        }
        finally
        {
            if (context.CancellationToken.IsCancellationRequested) StreamCancelled.TrySetResult();
        }
    }

    private static async ValueTask<RangeResponse> CollectAsync(MessageReader<PutRequest> requests, CallContext context)
    {
        var response = new RangeResponse();
        while (await requests.MoveNextAsync())
        {
            response.Kvs.Add(new KeyValue { Key = requests.Current.Key, Value = requests.Current.Value });
        }
        response.Count = response.Kvs.Count;
        return response;
    }
}
